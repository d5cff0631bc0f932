import type { Principal } from '../../shared/contract/access';
import { OWNER } from '../../shared/contract/access';
import type { IdentityService } from '../../core/identity/identity-service';
import { isValidUiSession, safeEqual } from '../api-token';
import { bearerToken, readCookie } from './security';

/** The owner's browser sign-in (from the one-time link): proves knowledge of the current local token. */
export const SESSION_COOKIE = 'echo_session';
/** A user's browser sign-in (the sign-in form): their access token, HttpOnly, SameSite=Strict, for a day. */
export const USER_COOKIE = 'echo_user';

export interface RequestCredentials {
  authorization?: string | undefined;
  'x-api-key'?: string | string[] | undefined;
  cookie?: string | undefined;
}

/** The token a script presented: `Authorization: Bearer …` or `X-API-Key: …`. */
export function presentedToken(headers: RequestCredentials): string | undefined {
  const key = headers['x-api-key'];
  return bearerToken(headers.authorization) ?? (typeof key === 'string' ? key : undefined);
}

/** The owner's credentials alone (the local token or the owner's sign-in cookie), checked synchronously. */
export function isOwnerRequest(headers: RequestCredentials, apiToken: { current(): string }): boolean {
  const presented = presentedToken(headers);
  if (presented !== undefined) return safeEqual(presented, apiToken.current());
  const ownerCookie = readCookie(headers.cookie, SESSION_COOKIE);
  return ownerCookie !== undefined && isValidUiSession(ownerCookie, apiToken.current());
}

/**
 * Who is calling, from the request's credentials, or undefined when none of them holds:
 * - the local API token (Bearer or X-API-Key) or the owner's sign-in cookie → the owner (admin);
 * - an API key (`ek_…`) → its user, at most the key's role;
 * - a JWT access token (Bearer, or the user sign-in cookie) → the user of that live session.
 * A presented credential that fails is not overridden by a cookie: a script that sends a wrong token gets 401.
 */
export function createAuthenticator(options: { apiToken: { current(): string }; identity?: IdentityService | undefined }) {
  const { apiToken, identity } = options;
  return async (headers: RequestCredentials): Promise<Principal | undefined> => {
    if (isOwnerRequest(headers, apiToken)) return OWNER;
    const presented = presentedToken(headers);
    if (presented !== undefined) {
      if (!identity) return undefined;
      if (presented.startsWith('ek_')) return identity.authenticateApiKey(presented);
      return identity.authenticateAccessToken(presented);
    }
    const userCookie = readCookie(headers.cookie, USER_COOKIE);
    if (userCookie !== undefined && identity) return identity.authenticateAccessToken(userCookie);
    return undefined;
  };
}
