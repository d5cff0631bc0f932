import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpcInvokeHandler } from '../../src/main/ipc-router';
import { callResultFromEnvelope } from '../../src/shared/contract/envelope';
import { toHttpRequest } from '../../src/shared/contract/http-mapping';
import { procedures, type ProcedureName } from '../../src/shared/contract/index';
import type { CallResult } from '../../src/shared/contract/invoke';
import { createDirectApi, type DirectApi } from '../kit/direct';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The same calls through the three transports — a direct handler call, the HTTP server, the Electron IPC router —
 * each against its own fresh database, must give the same results, refusals included.
 */
const cases: [ProcedureName, unknown][] = [
  ['capital.createPortfolio', { user_id: 'parity', total_capital: 50_000 }],
  ['capital.createPortfolio', { user_id: 'parity', total_capital: 1 }],
  ['capital.createPortfolio', { user_id: 'bad user!', total_capital: 'lots' }],
  ['capital.allocateStrategy', { portfolio_id: 1, strategy_name: 'Major Pairs', allocation_amount: 35_000 }],
  ['capital.allocateStrategy', { user_id: 'parity', strategy_name: 'Gold Scalping', allocation_percentage: 30 }],
  ['capital.allocateStrategy', { user_id: 'parity', strategy_name: 'Extra', allocation_percentage: 1 }],
  ['capital.allocateStrategy', { user_id: 'parity', strategy_name: 'major pairs', allocation_amount: 1 }],
  ['capital.allocateStrategy', { portfolio_id: 9, strategy_name: 'X', allocation_amount: 1 }],
  ['capital.allocateStrategy', { portfolio_id: 1, strategy_name: 'X', allocation_amount: 1, allocation_percentage: 1 }],
  ['capital.addPairs', { user_id: 'parity', strategy_name: 'Major Pairs', pairs: ['EURUSD', 'GBPUSD', 'USDJPY'] }],
  ['capital.allocatePairs', { strategy_allocation_id: 2, pair_allocations: [{ pair: 'XAUUSD', amount: 15_000.01 }] }],
  ['capital.allocatePairs', { strategy_allocation_id: 2, pair_allocations: [{ pair: 'XAUUSD', percentage: 100, floating_loss_threshold_pct: 15 }] }],
  ['capital.allocatePairs', { strategy_allocation_id: 2, pair_allocations: [] }],
  ['capital.listPortfolios', {}],
  ['capital.getDashboard', { user_id: 'parity' }],
  ['capital.getDashboard', { user_id: 'nobody' }],
  ['capital.getRiskStatus', { user_id: 'parity' }],
  ['capital.resetPortfolio', { user_id: 'parity' }],
  ['capital.resetPortfolio', { user_id: 'parity' }],
  ['system.health', {}],
];

/** Timestamps, uptime and the build's version differ between runs by nature; everything else must be equal. */
function normalize(result: CallResult): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value) => {
      if (key === 'created_at' || key === 'time') return '<time>';
      if (key === 'uptime_seconds') return 0;
      if (key === 'version') return '<version>';
      return value;
    }),
  );
}

let direct: DirectApi;
let ipcBackend: DirectApi;
let server: TestServer;
beforeAll(async () => {
  direct = createDirectApi();
  ipcBackend = createDirectApi();
  server = await startTestServer();
});
afterAll(async () => {
  direct?.close();
  ipcBackend?.close();
  await server?.stop();
});

async function viaHttp(name: ProcedureName, input: unknown): Promise<CallResult> {
  const route = procedures[name].http[0];
  if (!route) throw new Error(`${name} has no HTTP route`);
  const request = toHttpRequest(route, input as Record<string, unknown>);
  const res = await fetch(`${server.url}${request.url}`, {
    method: request.method,
    headers: { authorization: `Bearer ${server.token}`, ...(request.body ? { 'content-type': 'application/json' } : {}) },
    ...(request.body ? { body: JSON.stringify(request.body) } : {}),
  });
  return callResultFromEnvelope(route.envelope, res.status, await res.json());
}

describe('contract parity: direct call = HTTP = IPC', () => {
  it('gives the same results for the same calls, refusals included', async () => {
    const ipc = createIpcInvokeHandler(ipcBackend.context.handlers, { isTrustedSender: (url) => url === 'app://echo/index.html' });
    const event = { senderFrame: { url: 'app://echo/index.html' } };
    for (const [name, input] of cases) {
      const a = normalize(await direct.call(name, input));
      const b = normalize(await viaHttp(name, input));
      const c = normalize(await ipc(event, name, input));
      expect(b, `HTTP vs direct for ${name} ${JSON.stringify(input)}`).toEqual(a);
      expect(c, `IPC vs direct for ${name} ${JSON.stringify(input)}`).toEqual(a);
    }
  });

  it('covers every procedure of the contract', () => {
    const covered = new Set(cases.map(([name]) => name));
    expect(Object.keys(procedures).filter((name) => !covered.has(name as ProcedureName))).toEqual([]);
  });
});
