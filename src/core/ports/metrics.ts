/**
 * Operational metrics (market7's /api/metrics...): what the HTTP server reports about each request, and the text
 * exposition the metrics endpoints answer with. The Prometheus adapter (adapters/metrics) implements both.
 */
export type MetricsGroup = 'all' | 'trading' | 'ml' | 'system';

export interface HttpRequestRecorder {
  /** One answered request: `route` is the route's pattern (`/api/v1/accounts/:account_id`), never the raw URL. */
  observeHttpRequest(method: string, route: string, status: number, seconds: number): void;
}

export interface MetricsExposition {
  /** The exposition's content type (`text/plain; version=0.0.4; charset=utf-8`). */
  readonly contentType: string;
  render(group: MetricsGroup): Promise<string>;
}
