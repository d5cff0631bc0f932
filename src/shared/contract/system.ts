import { z } from 'zod';
import { defineProcedure } from './procedure';

export const health = defineProcedure({
  name: 'system.health',
  tag: 'System',
  summary: 'Health check (no token needed)',
  input: z.object({}),
  output: z.object({
    status: z.literal('ok'),
    version: z.string(),
    uptime_seconds: z.number(),
    time: z.string(),
  }),
  http: [{ method: 'GET', path: '/health', envelope: 'forex-echo', public: true }],
  message: () => 'Echo Workstation is running',
});

export const rotateApiToken = defineProcedure({
  name: 'system.rotateApiToken',
  tag: 'System',
  summary: 'Rotate the local API token: the old token and every browser sign-in are refused from the next request on',
  description:
    'Writes a new token to the api-token file in the data folder (`npm run token` prints it; `npm run token -- --rotate` rotates ' +
    'from a terminal). A browser that rotates over its sign-in cookie gets a fresh cookie; every other browser must sign in again.',
  input: z.strictObject({}),
  output: z.object({
    rotated: z.literal(true),
    /** The file's name in the data folder (never its absolute path). */
    token_file: z.string(),
    print_with: z.string(),
  }),
  http: [{ method: 'POST', path: '/api/token/rotate', envelope: 'forex-echo' }],
  message: () => 'A new API token is in effect: the old token and every other browser sign-in are refused from now on',
});
