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
