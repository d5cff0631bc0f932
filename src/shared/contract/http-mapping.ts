import type { HttpRoute } from './procedure';

/**
 * How a procedure's single input object maps onto a documented HTTP route, in both directions:
 * `{param}` segments come from the input's fields of that name; the other fields travel as the JSON body
 * (POST/PUT/PATCH) or the query string (GET/DELETE).
 */

const PARAM = /\{([A-Za-z0-9_]+)\}/g;

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(PARAM)].map((m) => m[1] as string);
}

/** `/api/capital/dashboard/{user_id}` → `/api/capital/dashboard/:user_id` (Fastify's syntax). */
export function toRouterPath(path: string): string {
  return path.replace(PARAM, ':$1');
}

export function carriesBody(route: HttpRoute): boolean {
  return route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
}

export interface HttpRequestShape {
  method: HttpRoute['method'];
  url: string;
  body?: Record<string, unknown>;
}

/** Client side: the request that carries `input` to `route`. */
export function toHttpRequest(route: HttpRoute, input: Record<string, unknown> | undefined): HttpRequestShape {
  const rest: Record<string, unknown> = { ...(input ?? {}) };
  const url = route.path.replace(PARAM, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`${name} is required`);
    }
    return encodeURIComponent(String(value));
  });
  if (carriesBody(route)) return { method: route.method, url, body: rest };
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined && value !== null) query.set(key, String(value));
  }
  const qs = query.toString();
  return { method: route.method, url: qs ? `${url}?${qs}` : url };
}

/**
 * Server side: the input object of a request. A body that is not a JSON object is passed through unchanged
 * so the input schema refuses it with its own message; path parameters win over body fields of the same name.
 */
export function fromHttpRequest(
  route: HttpRoute,
  params: Record<string, string>,
  query: Record<string, unknown>,
  body: unknown,
): unknown {
  if (carriesBody(route)) {
    if (body === undefined || body === null || body === '') return { ...params };
    if (typeof body !== 'object' || Array.isArray(body)) return body;
    return { ...(body as Record<string, unknown>), ...params };
  }
  return { ...query, ...params };
}
