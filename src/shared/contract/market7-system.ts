import { z } from 'zod';
import { defineProcedure, type HttpRoute } from './procedure';

/**
 * market7-api.md, System and Metrics: /api/health (its documented body as is), /api/status in market7's envelope,
 * and the Prometheus expositions /api/metrics, /api/metrics/trading, /ml, /system (text/plain; version=0.0.4).
 */
const ENVELOPE = 'market7' as const;
// market7's envelope has no message: every `message` is empty (as in the other envelopes without one).

const serviceHealth = z.enum(['healthy', 'unhealthy']);

export const health = defineProcedure({
  name: 'market7.health',
  tag: 'System',
  summary: 'Health of the backend and its database (market7; no token needed)',
  description: 'Answers the documented body as is (not in the envelope). There is no Redis: `services` names what exists.',
  input: z.object({}),
  output: z.object({
    status: serviceHealth,
    timestamp: z.string(),
    version: z.string(),
    services: z.object({ backend: serviceHealth, database: serviceHealth }),
  }),
  http: [{ method: 'GET', path: '/api/health', envelope: ENVELOPE, public: true, bare: true }],
  message: () => '',
});

export const status = defineProcedure({
  name: 'market7.status',
  tag: 'System',
  summary: 'Uptime, services, broker connections and whether trading is enabled (market7)',
  description:
    '`services.trading.active_trades` counts open positions, `active_tasks` the running trading tasks; `brokers` lists every ' +
    'broker connection (paper, ccxt accounts, the MT5 bridge) with its link as it is now. `trading_enabled` is true: there is ' +
    'no switch yet.',
  input: z.object({}),
  output: z.object({
    uptime: z.string(),
    uptime_seconds: z.number(),
    version: z.string(),
    environment: z.string(),
    trading_enabled: z.boolean(),
    services: z.object({
      database: z.object({ status: serviceHealth }),
      trading: z.object({ status: z.enum(['active', 'idle']), active_trades: z.number(), active_tasks: z.number() }),
    }),
    brokers: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        label: z.string(),
        link: z.enum(['up', 'down', 'connecting']),
        broker: z.enum(['connected', 'disconnected', 'unknown']),
        reconciling: z.boolean(),
        detail: z.string(),
        last_heartbeat: z.string().nullable(),
      }),
    ),
  }),
  http: [{ method: 'GET', path: '/api/status', envelope: ENVELOPE }],
  message: () => '',
});

const exposition = z.object({
  /** `text/plain; version=0.0.4; charset=utf-8` */
  content_type: z.string(),
  text: z.string(),
});

const metricsRoute = (path: string): HttpRoute => ({ method: 'GET', path, envelope: ENVELOPE, text: 'prometheus' });

export const metrics = defineProcedure({
  name: 'metrics.all',
  tag: 'Metrics',
  summary: 'Every metric in the Prometheus text format: HTTP requests, trading, ML, process',
  description: 'For Prometheus to scrape with the API token (`authorization: Bearer <token>`). Answers JSON `{content_type, text}` to `Accept: application/json`.',
  input: z.object({}),
  output: exposition,
  http: [metricsRoute('/api/metrics')],
  message: () => '',
});

export const tradingMetrics = defineProcedure({
  name: 'metrics.trading',
  tag: 'Metrics',
  summary: 'Trading metrics (Prometheus): errors, orders submitted and filled, active tasks and trades by broker kind',
  input: z.object({}),
  output: exposition,
  http: [metricsRoute('/api/metrics/trading')],
  message: () => '',
});

export const mlMetrics = defineProcedure({
  name: 'metrics.ml',
  tag: 'Metrics',
  summary: 'ML metrics (Prometheus): declared, with no samples, as no ML model runs yet',
  input: z.object({}),
  output: exposition,
  http: [metricsRoute('/api/metrics/ml')],
  message: () => '',
});

export const systemMetrics = defineProcedure({
  name: 'metrics.system',
  tag: 'Metrics',
  summary: 'Process metrics (Prometheus): memory, CPU, event loop, disk used by the database',
  input: z.object({}),
  output: exposition,
  http: [metricsRoute('/api/metrics/system')],
  message: () => '',
});
