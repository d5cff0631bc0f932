import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { EVENT_SOCKET_PATH, type EventSocketMessage } from '../../shared/contract/events';
import type { Handlers } from '../../shared/contract/index';
import { openDatabase } from '../../adapters/persistence/sqlite/database';
import { createSqliteTradingRepository } from '../../adapters/persistence/sqlite/trading-repository';
import { DomainEventBus } from '../../core/events/domain-event-bus';
import { domainEventJournal } from '../../core/events/trading-journal';
import { systemClock } from '../../core/ports/clock';
import { uiSessionValue } from '../api-token';
import { createHttpServer, SESSION_COOKIE } from './create-http-server';

const TOKEN = 'test-token-0123456789';
let server: FastifyInstance | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.terminate());
  await server?.close();
  server = undefined;
});

async function start() {
  const bus = new DomainEventBus({ journal: domainEventJournal(createSqliteTradingRepository(openDatabase(':memory:'), systemClock)) });
  server = await createHttpServer({ handlers: {} as Handlers, apiToken: { current: () => TOKEN }, logger: pino({ level: 'silent' }), version: 't', events: bus });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const filled = (n: number) => bus.publish([{ type: 'OrderFilled', severity: 'info', taskId: 1, code: null, message: `fill ${n}` }]);
  return { bus, url: `ws://127.0.0.1:${port}${EVENT_SOCKET_PATH}`, port, filled };
}

/** Connects; resolves with the HTTP status of a refused upgrade, or the open socket and its message inbox. */
function connect(url: string, headers: Record<string, string>): Promise<{ status: number } | { ws: WebSocket; inbox: EventSocketMessage[]; next(): Promise<EventSocketMessage> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    sockets.push(ws);
    const inbox: EventSocketMessage[] = [];
    const waiters: ((m: EventSocketMessage) => void)[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as EventSocketMessage;
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else inbox.push(message);
    });
    const next = () => {
      const queued = inbox.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise<EventSocketMessage>((r) => waiters.push(r));
    };
    ws.on('open', () => resolve({ ws, inbox, next }));
    ws.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    ws.on('error', (error) => reject(error));
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('event socket (browser mode)', () => {
  it('refuses an upgrade without a token, with a foreign Host or a foreign Origin, and at an unknown path', async () => {
    const { url, port } = await start();
    expect(await connect(url, {})).toEqual({ status: 401 });
    expect(await connect(url, { ...auth, authorization: 'Bearer wrong' })).toEqual({ status: 401 });
    expect(await connect(url, { ...auth, host: `evil.example:${port}` })).toEqual({ status: 403 });
    expect(await connect(url, { ...auth, origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await connect(url.replace(EVENT_SOCKET_PATH, '/api/nothing/ws'), auth)).toEqual({ status: 404 });
  });

  it('accepts the browser session cookie from its own origin and pushes new events after "ready"', async () => {
    const { url, port, filled } = await start();
    const opened = await connect(url, { cookie: `${SESSION_COOKIE}=${uiSessionValue(TOKEN)}`, origin: `http://127.0.0.1:${port}` });
    if (!('ws' in opened)) throw new Error(`refused: ${opened.status}`);
    filled(0); // before the hello: not lost
    opened.ws.send(JSON.stringify({ kind: 'hello' }));
    expect(await opened.next()).toEqual({ kind: 'ready', last_id: 0 });
    expect(await opened.next()).toMatchObject({ kind: 'event', event: { id: 1, type: 'OrderFilled', message: 'fill 0', task_id: 1 } });
    filled(1);
    expect(await opened.next()).toMatchObject({ kind: 'event', event: { id: 2, message: 'fill 1' } });
  });

  it('after a reconnect replays what was missed since the last id seen, or says "resync" when that is too much', async () => {
    const { url, filled } = await start();
    const first = await connect(url, auth);
    if (!('ws' in first)) throw new Error('refused');
    first.ws.send(JSON.stringify({ kind: 'hello' }));
    await first.next();
    filled(1);
    const seen = await first.next();
    const lastSeen = seen.kind === 'event' ? seen.event.id : -1;
    first.ws.close();
    filled(2);
    filled(3);
    const again = await connect(url, auth);
    if (!('ws' in again)) throw new Error('refused');
    again.ws.send(JSON.stringify({ kind: 'hello', after_id: lastSeen }));
    expect(await again.next()).toMatchObject({ kind: 'event', event: { id: lastSeen + 1, message: 'fill 2' } });
    expect(await again.next()).toMatchObject({ kind: 'event', event: { id: lastSeen + 2, message: 'fill 3' } });
    expect(await again.next()).toEqual({ kind: 'ready', last_id: lastSeen + 2 });
    again.ws.close();

    for (let i = 0; i < 600; i++) filled(10 + i); // more than the server replays (500)
    const late = await connect(url, auth);
    if (!('ws' in late)) throw new Error('refused');
    late.ws.send(JSON.stringify({ kind: 'hello', after_id: lastSeen + 2 }));
    expect(await late.next()).toEqual({ kind: 'resync', last_id: lastSeen + 602 });
    expect(await late.next()).toEqual({ kind: 'ready', last_id: lastSeen + 602 });
    filled(999);
    expect(await late.next()).toMatchObject({ kind: 'event', event: { id: lastSeen + 603 } });
  });

  it('closes the socket on a message that is not a hello', async () => {
    const { url } = await start();
    const opened = await connect(url, auth);
    if (!('ws' in opened)) throw new Error('refused');
    const closed = new Promise<number>((resolve) => opened.ws.on('close', (code) => resolve(code)));
    opened.ws.send('{"kind":"subscribe","everything":true}');
    expect(await closed).toBe(1008);
  });
});
