import type { Caller } from '../../shared/contract/access';
import { DomainError } from '../../shared/contract/errors';

/**
 * What only the desktop owner may do (the app over IPC, or whoever holds the local API token): rotate that token, and
 * choose which programs the app may start. A signed-in user, even an admin, is refused with a 403 that says why.
 */
export function requireOwner(caller: Caller | undefined, action: string): void {
  if (caller === undefined || caller.principal.kind === 'owner') return;
  throw new DomainError(
    'FORBIDDEN',
    `Only the desktop owner may ${action}: use the app itself, or the local API token (npm run -s token), not a user sign-in or API key`,
  );
}
