import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../../core/ports/identity';

/**
 * argon2id (the @node-rs/argon2 default algorithm) with OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
 * The encoded hash carries salt and parameters, so raising them later still verifies old hashes.
 */
export const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const argon2PasswordHasher: PasswordHasher = {
  hash: (password) => hash(password, ARGON2_OPTIONS),
  async verify(encoded, password) {
    try {
      return await verify(encoded, password);
    } catch {
      return false;
    }
  },
};
