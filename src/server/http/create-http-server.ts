import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import secureJson from 'secure-json-parse';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { procedures, statusOf, type EnvelopeKind, type ErrorCode, type Handlers, type Procedure } from '../../shared/contract/index';
import { invokeProcedure } from '../../shared/contract/invoke';
import { errorEnvelope, successEnvelope } from '../../shared/contract/envelope';
import { fromHttpRequest, toRouterPath } from '../../shared/contract/http-mapping';
import { LoginCodes, TOKEN_HINT, UI_SESSION_MAX_AGE_SECONDS, uiSessionValue } from '../api-token';
import { clientErrorResponse } from './client-errors';
import { buildOpenApiDocument } from './openapi';
import { isAllowedOrigin, isLoopbackHost } from './security';
import { EVENT_SOCKET_PATH } from '../../shared/contract/events';
import type { DomainEventStream } from '../../core/ports/domain-events';
import type { HttpRequestRecorder } from '../../core/ports/metrics';
import { eventSocketRoute, routeUpgrades } from './event-socket';
import type { IdentityService } from '../../core/identity/identity-service';
import { ANONYMOUS, type Caller, type Principal } from '../../shared/contract/access';
import { createAuthenticator, presentedToken, SESSION_COOKIE, USER_COOKIE } from './authenticate';

export { SESSION_COOKIE, USER_COOKIE } from './authenticate';

/** JSON.parse that refuses __proto__ and constructor.prototype keys, like Fastify's own parser. */
const secureJsonParse = (text: string): unknown => secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  handlers: Handlers;
  /** The API token as it is now (an ApiTokenFile): read on every check, so a rotation takes effect at once. */
  apiToken: { current(): string };
  logger: Logger;
  version: string;
  /** The built renderer (index.html + assets/); without it only the API is served. */
  uiDir?: string;
  loginCodes?: LoginCodes;
  /** Users, sessions and API keys: without it only the owner (local token, sign-in link) gets in. */
  identity?: IdentityService;
  /** The domain event stream, served to the browser UI as a WebSocket at EVENT_SOCKET_PATH. */
  events?: DomainEventStream;
  /** Counts every answered request by method, route pattern (never the raw URL) and status (Prometheus). */
  httpMetrics?: HttpRequestRecorder;
}

const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/**
 * Unmatched paths under these prefixes belong to the spec file that documents them, so a 404, a missing token or a
 * body that is not JSON is answered in that file's error envelope. Matched routes carry their own (route config).
 */
const PREFIX_ENVELOPES: readonly (readonly [prefix: string, kind: EnvelopeKind])[] = [
  ['/api/v1/', 'trading-application'],
  // binance-trading-bot-api.md
  ['/api/backtest/', 'binance-trading-bot'],
  ['/api/signals/', 'binance-trading-bot'],
  ['/api/paper-trading/', 'binance-trading-bot'],
  ['/api/walkforward/', 'binance-trading-bot'],
  ['/api/montecarlo/', 'binance-trading-bot'],
  ['/api/optimize/', 'binance-trading-bot'],
  ['/api/mltuning/', 'binance-trading-bot'],
  // ai-trading-hub-api.md (root paths)
  ['/auth/', 'ai-trading-hub'],
  ['/user/', 'ai-trading-hub'],
  ['/admin/', 'ai-trading-hub'],
  // market7-api.md (System and Metrics so far)
  ['/api/health/', 'market7'],
  ['/api/status/', 'market7'],
  ['/api/metrics/', 'market7'],
];

/** The path of a request URL as the router sees it: no query, repeated slashes merged (`//api/v1/x` is `/api/v1/x`). */
export function routedPath(url: string): string {
  return (url.split('?')[0] ?? '').replace(/\/{2,}/g, '/') || '/';
}

/** The error envelope of a path that no route matched (or that could not even be parsed). */
export function envelopeForPath(url: string): EnvelopeKind {
  const path = `${routedPath(url)}/`;
  return PREFIX_ENVELOPES.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'forex-echo';
}

function envelopeFor(request: FastifyRequest): EnvelopeKind {
  const routed = (request.routeOptions?.config as { envelope?: EnvelopeKind } | undefined)?.envelope;
  return routed ?? envelopeForPath(request.url);
}

function refuse(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(statusOf(code)).send(errorEnvelope(envelopeFor(reply.request), code, message, undefined, { requestId: reply.request.id }));
}

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** The embedded local API server: the documented routes, generated from the contract, behind the loopback guards. */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { handlers, apiToken, logger, version, uiDir } = options;
  const loginCodes = options.loginCodes ?? new LoginCodes();
  const sessionCookie = () =>
    `${SESSION_COOKIE}=${uiSessionValue(apiToken.current())}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${UI_SESSION_MAX_AGE_SECONDS}`;
  const server = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // `//api/v1/accounts` is `/api/v1/accounts` (as most servers and proxies merge slashes), so it answers in its family's envelope.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    // Node's HTTP parser refuses an over-long URL or header block (431/414) or a malformed request (400) before any route
    // runs: answered in the JSON envelope with Connection: close, and the connection closed without a reset.
    clientErrorHandler: (error, socket) => clientErrorResponse(error, socket, envelopeForPath),
    // Router-level failures (a malformed %-escape in the path, say) get the envelope too.
    frameworkErrors: (error, _request, reply) => {
      void refuse(reply, 'VALIDATION_FAILED', `The request could not be read: ${error.message}`);
    },
  });

  // An empty body sent as JSON means "no fields" (some clients always send the header); real JSON is parsed as usual.
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    try {
      done(null, secureJsonParse(text));
    } catch (error) {
      const refusal = error as Error & { statusCode?: number };
      refusal.statusCode = 400;
      done(refusal, undefined);
    }
  });

  // Routes whose document sends a form (`form: true` in the contract) and the browser sign-in/out forms.
  // Only there: everywhere else a form body is refused as before (415, send JSON).
  const FORM_PATHS = new Set([
    ...(Object.values(procedures) as Procedure[]).flatMap((p) => p.http.filter((r) => r.form).map((r) => r.path)),
    '/auth/browser-sign-in',
    '/auth/browser-sign-out',
  ]);
  server.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    if (!FORM_PATHS.has(routedPath(request.url))) {
      const refusal = new Error('form body where JSON is expected') as Error & { statusCode?: number; code?: string };
      refusal.statusCode = 415;
      refusal.code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
      done(refusal, undefined);
      return;
    }
    const text = typeof body === 'string' ? body : body.toString('utf8');
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  const publicPaths = new Set(
    (Object.values(procedures) as Procedure[]).flatMap((p) => p.http.filter((r) => r.public).map((r) => r.path)),
  );

  const authenticate = createAuthenticator({ apiToken, identity: options.identity });
  /** Who each request is, set by the onRequest hook (anonymous on public routes without credentials). */
  const principals = new WeakMap<FastifyRequest, Principal>();

  server.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host;
    if (!isLoopbackHost(host)) {
      return refuse(reply, 'FORBIDDEN', `Host "${host ?? ''}" is not allowed: the local API answers only to 127.0.0.1 or localhost`);
    }
    const origin = request.headers.origin;
    // A form posted from our own page under `Referrer-Policy: no-referrer` says `Origin: null`; the browser's
    // Sec-Fetch-Site (which no page can forge) tells that it is ours.
    const ownForm = origin === 'null' && request.headers['sec-fetch-site'] === 'same-origin';
    if ((!ownForm && !isAllowedOrigin(origin, host)) || request.headers['sec-fetch-site'] === 'cross-site') {
      return refuse(reply, 'FORBIDDEN', `Requests from other web sites (${origin ?? 'cross-site'}) are refused by the local API`);
    }
    const path = routedPath(request.url);
    const principal = await authenticate(request.headers);
    if (principal) {
      principals.set(request, principal);
      // Per-user and per-key quotas by tier (the owner has none), with market7's X-RateLimit-* headers.
      const quota = options.identity?.consumeQuota(principal);
      if (quota) {
        reply.header('X-RateLimit-Limit', String(quota.limit));
        reply.header('X-RateLimit-Remaining', String(quota.remaining));
        reply.header('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + quota.resetSeconds));
        if (!quota.allowed) {
          reply.header('Retry-After', String(quota.resetSeconds));
          return refuse(reply, 'RATE_LIMITED', `Request quota of ${quota.limit} per minute used up: try again in ${quota.resetSeconds} s, or ask an admin for a higher tier`);
        }
      }
      return;
    }
    if (publicPaths.has(path) || path.startsWith('/auth/browser-')) return;
    if (path === '/' && typeof (request.query as Record<string, unknown>).login === 'string') return;
    if (wantsHtml(request)) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(signInPage());
    }
    return refuse(
      reply,
      'UNAUTHORIZED',
      `Missing or wrong API token: send "Authorization: Bearer <token>" or "X-API-Key: <token>"; the token is in ${TOKEN_HINT}`,
    );
  });

  // WebSocket upgrades pass the same checks as the requests above, before a socket exists.
  if (options.events) {
    routeUpgrades(
      server.server,
      (request) => {
        const { host, origin } = request.headers;
        if (!isLoopbackHost(host)) return { status: 403, message: `Host "${host ?? ''}" is not allowed: the local API answers only to 127.0.0.1 or localhost` };
        if (!isAllowedOrigin(origin, host) || request.headers['sec-fetch-site'] === 'cross-site') {
          return { status: 403, message: `Requests from other web sites (${origin ?? 'cross-site'}) are refused by the local API` };
        }
        // Any signed-in caller may follow the event stream (it carries what the read permission shows).
        return authenticate(request.headers).then((principal) =>
          principal ? null : { status: 401, message: `Missing or wrong API token or sign-in; the token is in ${TOKEN_HINT}` },
        );
      },
      [eventSocketRoute({ path: EVENT_SOCKET_PATH, stream: options.events })],
    );
  }

  if (options.httpMetrics) {
    const recorder = options.httpMetrics;
    server.addHook('onResponse', async (request, reply) => {
      // The route pattern keeps the label set bounded; anything no route matched counts as one "unmatched" route.
      const route = request.routeOptions?.url ?? 'unmatched';
      recorder.observeHttpRequest(request.method, request.is404 ? 'unmatched' : route, reply.statusCode, reply.elapsedTime / 1000);
    });
  }

  server.addHook('onSend', async (_request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    return payload;
  });

  server.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return refuse(reply, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`);
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return refuse(reply, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with "Content-Type: application/json"');
    }
    if (status >= 400 && status < 500) {
      const message =
        error instanceof SyntaxError || /JSON/i.test(error.message)
          ? `The request body is not valid JSON: ${error.message}`
          : error.message;
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
      return reply.code(status).send(errorEnvelope(envelopeFor(request), code, message, undefined, { requestId: request.id }));
    }
    request.log.error({ err: error, url: request.url }, 'unhandled error');
    return refuse(reply, 'INTERNAL', 'Internal error; it was logged with details for a bug report');
  });

  server.setNotFoundHandler((request, reply) =>
    refuse(reply, 'NOT_FOUND', `No such endpoint: ${request.method} ${request.url.split('?')[0]}; the API is described at /docs`),
  );

  // The documented routes, straight from the procedure table.
  for (const [name, procedure] of Object.entries(procedures) as [string, Procedure][]) {
    for (const route of procedure.http) {
      server.route({
        method: route.method,
        url: toRouterPath(route.path),
        config: { envelope: route.envelope },
        handler: async (request, reply) => {
          const input = fromHttpRequest(
            route,
            request.params as Record<string, string>,
            (request.query ?? {}) as Record<string, unknown>,
            request.body,
          );
          const caller: Caller = {
            principal: principals.get(request) ?? ANONYMOUS,
            device: { ip_address: request.ip, ...(request.headers['user-agent'] ? { user_agent: request.headers['user-agent'] } : {}) },
          };
          const result = await invokeProcedure(
            handlers,
            name,
            input,
            (error) => request.log.error({ err: error, procedure: name }, 'procedure failed unexpectedly'),
            caller,
          );
          if (result.ok) {
            // A browser that rotated the token keeps its own sign-in (a fresh cookie); every other one is signed out.
            if (name === 'system.rotateApiToken' && presentedToken(request.headers) === undefined) reply.header('Set-Cookie', sessionCookie());
            if (route.status === 204) return reply.code(204).send();
            // A file: text/csv unless the client asked for JSON (the typed client does; curl and a link get the file).
            if (route.download === 'csv' && !(request.headers.accept ?? '').includes('application/json')) {
              const file = result.data as { filename: string; csv: string };
              return reply
                .type('text/csv; charset=utf-8')
                .header('Content-Disposition', `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
                .send(file.csv);
            }
            // A Prometheus exposition: the text itself unless the client asked for JSON.
            if (route.text === 'prometheus' && !(request.headers.accept ?? '').includes('application/json')) {
              const exposition = result.data as { content_type: string; text: string };
              return reply.type(exposition.content_type).send(exposition.text);
            }
            if (route.bare) return reply.code(route.status ?? 200).send(result.data);
            return reply.code(route.status ?? 200).send(successEnvelope(route.envelope, result.message, result.data));
          }
          return reply
            .code(statusOf(result.error.code))
            .send(errorEnvelope(route.envelope, result.error.code, result.error.message, result.error.details, { requestId: request.id }));
        },
      });
    }
  }

  const openApi = buildOpenApiDocument(version);
  server.get('/openapi.json', async () => openApi);
  await server.register(fastifySwagger, { mode: 'static', specification: { document: openApi as never } });
  await server.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: false, tryItOutEnabled: true } });

  const indexFile = uiDir ? join(uiDir, 'index.html') : undefined;
  const hasUi = indexFile !== undefined && existsSync(indexFile);
  if (hasUi) {
    await server.register(fastifyStatic, { root: join(uiDir as string, 'assets'), prefix: '/assets/', decorateReply: false });
  }

  // A user's browser sign-in: the form on the sign-in page; the access token goes into an HttpOnly cookie for a day.
  server.post('/auth/browser-sign-in', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const name = typeof form.username === 'string' ? form.username.trim() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    if (!options.identity || !name || !password) {
      return reply.code(400).type('text/html; charset=utf-8').send(signInPage('Enter your username (or email) and password.'));
    }
    try {
      const device = { ip_address: request.ip, ...(request.headers['user-agent'] ? { user_agent: request.headers['user-agent'] } : {}), device_type: 'browser' };
      const tokens = await options.identity.login(name, password, device);
      reply.header('Set-Cookie', `${USER_COOKIE}=${tokens.access_token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${tokens.expires_in}`);
      return reply.redirect('/', 303);
    } catch (error) {
      const message = error instanceof Error && 'code' in error ? error.message : 'Sign-in is not available right now';
      if (!(error instanceof Error && 'code' in error)) request.log.error({ err: error }, 'browser sign-in failed');
      return reply.code(401).type('text/html; charset=utf-8').send(signInPage(message));
    }
  });
  server.post('/auth/browser-sign-out', async (request, reply) => {
    const principal = principals.get(request);
    if (principal?.kind === 'user' && principal.sessionId) options.identity?.logout(principal);
    reply.header('Set-Cookie', [`${USER_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`, `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`]);
    return reply.redirect('/', 303);
  });

  server.get('/', async (request, reply) => {
    const login = (request.query as Record<string, unknown>).login;
    if (typeof login === 'string') {
      if (!loginCodes.consume(login)) {
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(signInPage('This sign-in link was already used or has expired. Restart the app for a new one.'));
      }
      reply.header('Set-Cookie', sessionCookie());
      return reply.redirect('/', 303);
    }
    if (hasUi && wantsHtml(request)) {
      // Read on each request so a rebuilt UI is picked up without a restart; it is a few hundred bytes.
      return reply
        .type('text/html; charset=utf-8')
        .header('Content-Security-Policy', UI_CSP)
        .header('X-Frame-Options', 'DENY')
        .send(readFileSync(indexFile as string, 'utf8'));
    }
    return reply.redirect('/docs', 302);
  });

  return server;
}

function signInPage(problem?: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Echo Workstation: sign in</title>
<style>body{background:#0f1318;color:#d6dde6;font:14px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0}
main{max-width:520px;border:1px solid #2a323c;padding:24px;border-radius:6px;background:#151b22}code{color:#7fb6ff}</style></head>
<body><main><h1>Echo Workstation</h1>${problem ? `<p><strong>${escape(problem)}</strong></p>` : ''}
<p>This browser is not signed in. The owner opens the one-time sign-in link that <code>npm run serve</code> printed when it started.</p>
<form method="post" action="/auth/browser-sign-in" style="display:grid;gap:8px;margin:16px 0">
<label>Username or email <input name="username" autocomplete="username" required style="width:100%"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required style="width:100%"></label>
<button type="submit">Sign in</button></form>
<p>Scripts authenticate with the token in ${escape(TOKEN_HINT).replace(/`([^`]+)`/g, '<code>$1</code>')}.</p></main></body></html>`;
}
