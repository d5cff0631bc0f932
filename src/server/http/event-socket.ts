import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { eventSocketHello, type DomainEventMessage, type EventSocketMessage } from '../../shared/contract/events';
import type { DomainEvent } from '../../core/domain/domain-events';
import type { DomainEventStream } from '../../core/ports/domain-events';
import { toEventMessage } from '../../core/events/event-message';

/**
 * WebSocket endpoints of the local server, reusable: one upgrade router per HTTP server, one route per endpoint.
 * Every upgrade passes the same checks as an HTTP request (token or session cookie, loopback Host, no foreign
 * Origin) before a socket exists; an upgrade no route claims is answered 404. The UI's event socket
 * (`EVENT_SOCKET_PATH`) is the first route; the documented per-user and per-symbol sockets add theirs.
 */

/** Why an upgrade is refused (the HTTP status and the message a person can act on), or null to accept it. */
type UpgradeRefusal = { status: number; message: string } | null;
/** Decides an upgrade from its headers; may be async (a JWT is verified asynchronously). */
export type UpgradeAuthorizer = (request: IncomingMessage) => UpgradeRefusal | Promise<UpgradeRefusal>;

export interface UpgradeRoute {
  matches(pathname: string): boolean;
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function routeUpgrades(server: HttpServer, authorize: UpgradeAuthorizer, routes: readonly UpgradeRoute[]): void {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    const route = routes.find((r) => r.matches(pathname));
    if (!route) return refuseUpgrade(socket, 404, `No WebSocket endpoint at ${pathname}`);
    void Promise.resolve(authorize(request)).then(
      (refusal) => {
        if (refusal) return refuseUpgrade(socket, refusal.status, refusal.message);
        route.accept(request, socket, head);
      },
      () => refuseUpgrade(socket, 503, 'Sign-in could not be checked right now; try again'),
    );
  });
  server.on('close', () => routes.forEach((r) => r.close()));
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ success: false, error: message });
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface EventSocketOptions {
  path: string;
  stream: DomainEventStream;
  /** Only these events reach this endpoint's clients (a per-user or per-symbol socket narrows it); all by default. */
  filter?: (event: DomainEvent) => boolean;
  /** At most this many missed events are replayed on reconnect; more → a `resync` message. */
  replayLimit?: number;
  /** A client that does not say hello within this time gets only new events. */
  helloTimeoutMs?: number;
  /** A client that stops answering pings is dropped (ms between pings). */
  heartbeatMs?: number;
  /** A client this far behind (bytes queued) is dropped; on reconnect it resyncs. */
  maxBufferedBytes?: number;
}

/**
 * The event stream over a WebSocket. On every (re)connect the client says `{"kind":"hello","after_id":N}` with the
 * last event id it saw; it gets the events after N from the journal (or `resync` when too many were missed), then
 * `ready`, then every new event as it is published.
 */
export function eventSocketRoute(options: EventSocketOptions): UpgradeRoute & { clientCount(): number } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const replayLimit = options.replayLimit ?? 500;
  const helloTimeoutMs = options.helloTimeoutMs ?? 2_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const filter = options.filter ?? (() => true);
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  const serve = (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    const send = (message: EventSocketMessage) => {
      if (ws.readyState !== 1) return;
      if (ws.bufferedAmount > maxBufferedBytes) {
        ws.close(1013, 'too far behind; reconnect to resync');
        return;
      }
      ws.send(JSON.stringify(message));
    };
    // Subscribed at once, so nothing published between the connect and the hello is lost; held until the replay is sent.
    let held: DomainEventMessage[] | null = [];
    let lastSent = 0;
    const connectedAt = options.stream.lastId();
    const deliver = (event: DomainEventMessage) => {
      if (event.id <= lastSent) return;
      lastSent = event.id;
      send({ kind: 'event', event });
    };
    const unsubscribe = options.stream.subscribe((event) => {
      if (!filter(event)) return;
      const message = toEventMessage(event);
      if (held) held.push(message);
      else deliver(message);
    });
    // Pulses (what moved) go out as they pass once the client is ready; none are held or replayed.
    const unsubscribePulses = options.stream.onPulse((pulse) => {
      if (!held) send({ kind: 'pulse', pulse });
    });
    const start = (afterId: number | undefined) => {
      if (!held) return;
      clearTimeout(helloTimer);
      if (afterId === undefined || afterId === 0) {
        lastSent = connectedAt;
      } else {
        const replay = options.stream.replay(afterId, replayLimit);
        if (!replay.complete) {
          send({ kind: 'resync', last_id: replay.lastId });
          lastSent = replay.lastId;
        } else {
          lastSent = afterId;
          for (const event of replay.events) if (filter(event)) deliver(toEventMessage(event));
          lastSent = Math.max(lastSent, replay.lastId);
        }
      }
      const pending = held.filter((e) => e.id > lastSent);
      held = null;
      send({ kind: 'ready', last_id: lastSent });
      pending.forEach(deliver);
    };
    const helloTimer = setTimeout(() => start(undefined), helloTimeoutMs);
    ws.on('message', (data: RawData) => {
      let hello: { after_id?: number | undefined };
      try {
        hello = eventSocketHello.parse(JSON.parse(String(data)));
      } catch {
        ws.close(1008, 'expected {"kind":"hello","after_id":<last event id>}');
        return;
      }
      start(hello.after_id);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      unsubscribe();
      unsubscribePulses();
    });
    ws.on('error', () => ws.terminate());
  };

  return {
    matches: (pathname) => pathname === options.path,
    accept(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => serve(ws));
    },
    close() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
    clientCount: () => wss.clients.size,
  };
}
