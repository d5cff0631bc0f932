import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DomainEvent } from '../../core/domain/domain-events';
import type { DomainEventStream } from '../../core/ports/domain-events';
import type { HttpRequestRecorder, MetricsExposition, MetricsGroup } from '../../core/ports/metrics';

export interface PrometheusMetricsOptions {
  /** The broker connection of a task ('paper', 'mt5', 'ccxt:<account>'), for tasks started before this process. */
  brokerOfTask?: (taskId: number) => string | undefined;
  /** Bytes the data folder's database takes on disk (disk_usage_bytes). */
  diskUsageBytes?: () => number;
  /** The positions open when this process started (read once; from then on the event stream tells). */
  openPositions?: () => readonly { id: string; taskId: number }[];
}

/** 'ccxt:acc-1' → 'ccxt': the label is the broker kind, so one label value per kind, not per account. */
const kindOf = (connectionId: string | undefined): string => (connectionId ? (connectionId.split(':')[0] ?? connectionId) : 'unknown');

/** Events that count as a trading error, and the `error_type` they count under. */
const TRADING_ERRORS: Partial<Record<DomainEvent['type'], string>> = {
  OrderRejected: 'order_rejected',
  OrderDenied: 'order_denied',
  OrderUnknown: 'order_unknown',
  ProtectionFailed: 'protection_failed',
  TaskFailed: 'task_failed',
};

/**
 * The Prometheus metrics of one app context, each group in its own Registry (never prom-client's global one, so
 * several servers in one process keep their own counts): HTTP requests, trading (counted from the domain event
 * stream as it happens), ML (no model yet) and the process (prom-client's default metrics).
 */
export class PrometheusMetrics implements HttpRequestRecorder, MetricsExposition {
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly registries: Record<Exclude<MetricsGroup, 'all'> | 'http', Registry> = {
    http: new Registry(),
    trading: new Registry(),
    ml: new Registry(),
    system: new Registry(),
  };
  private readonly all: Registry;
  private readonly httpRequests: Counter<'method' | 'endpoint' | 'status'>;
  private readonly httpDurations: Histogram<'method' | 'endpoint' | 'status'>;
  private readonly tradingErrors: Counter<'error_type' | 'service'>;
  private readonly ordersSubmitted: Counter<'broker'>;
  private readonly ordersFilled: Counter<'broker'>;
  /** Task id → broker kind of the tasks running now; position id → broker kind of the open positions. */
  private readonly runningTasks = new Map<number, string>();
  private readonly openPositions = new Map<string, string>();
  private readonly taskBrokers = new Map<number, string>();

  constructor(private readonly options: PrometheusMetricsOptions = {}) {
    const { http, trading, ml, system } = this.registries;
    this.httpRequests = new Counter({
      name: 'http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'endpoint', 'status'], registers: [http],
    });
    this.httpDurations = new Histogram({
      name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route pattern and status',
      labelNames: ['method', 'endpoint', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [http],
    });
    this.tradingErrors = new Counter({
      name: 'trading_errors_total', help: 'Orders rejected, denied or unknown, protections that failed and tasks that failed, by broker kind',
      labelNames: ['error_type', 'service'], registers: [trading],
    });
    this.ordersSubmitted = new Counter({ name: 'orders_submitted_total', help: 'Orders sent to a broker, by broker kind', labelNames: ['broker'], registers: [trading] });
    this.ordersFilled = new Counter({ name: 'orders_filled_total', help: 'Orders that opened a position and were filled, by broker kind (closing fills count in the trades, not here)', labelNames: ['broker'], registers: [trading] });
    // A broker kind seen once keeps its sample (0 when nothing is left), so a dashboard sees the drop to zero.
    const countBy = (gauge: Gauge<'broker'>, of: Map<unknown, string>, seen: Set<string>) => {
      for (const kind of of.values()) seen.add(kind);
      for (const kind of seen) gauge.set({ broker: kind }, 0);
      for (const kind of of.values()) gauge.inc({ broker: kind });
    };
    const tasksSeen = new Set<string>();
    const tradesSeen = new Set<string>();
    const runningTasks = this.runningTasks;
    const openPositions = this.openPositions;
    new Gauge({
      name: 'active_tasks', help: 'Trading tasks running (started or resumed, not stopped, paused or failed since), by broker kind', labelNames: ['broker'], registers: [trading],
      collect() { countBy(this, runningTasks, tasksSeen); },
    });
    new Gauge({
      name: 'active_trades', help: 'Open positions (those open at start, then opened and not closed), by broker kind', labelNames: ['broker'], registers: [trading],
      collect() { countBy(this, openPositions, tradesSeen); },
    });
    // No ML model runs in Echo Workstation yet: the metrics market7 names are declared and have no samples until one does.
    new Counter({ name: 'ml_predictions_total', help: 'ML predictions made, by model and outcome (no ML model exists yet: no samples)', labelNames: ['model_type', 'status'], registers: [ml] });
    new Gauge({ name: 'ml_model_accuracy', help: 'Accuracy of an ML model on its validation data (no ML model exists yet: no samples)', labelNames: ['model_type'], registers: [ml] });
    new Gauge({ name: 'ml_training_duration_seconds', help: 'How long the last training of an ML model took (no ML model exists yet: no samples)', labelNames: ['model_type'], registers: [ml] });
    collectDefaultMetrics({ register: system });
    // Gauges named *_total break Prometheus' naming rule (promtool check metrics refuses them); each is the sum of its
    // per-type gauge (nodejs_active_handles{type}, ...), which stays.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) system.removeSingleMetric(name);
    new Gauge({ name: 'memory_usage_bytes', help: 'Resident memory of this process', registers: [system], collect() { this.set(process.memoryUsage().rss); } });
    let last = { at: process.hrtime.bigint(), cpu: process.cpuUsage() };
    new Gauge({
      name: 'cpu_usage_percent', help: 'CPU time this process used since the previous scrape, in % of one core',
      registers: [system],
      collect() {
        const now = { at: process.hrtime.bigint(), cpu: process.cpuUsage() };
        const wallMicros = Number(now.at - last.at) / 1000;
        const cpuMicros = now.cpu.user - last.cpu.user + (now.cpu.system - last.cpu.system);
        last = now;
        this.set(wallMicros > 0 ? (cpuMicros / wallMicros) * 100 : 0);
      },
    });
    if (options.diskUsageBytes) {
      const bytes = options.diskUsageBytes;
      new Gauge({ name: 'disk_usage_bytes', help: "Bytes the data folder's database takes on disk (with its write-ahead log)", registers: [system], collect() { this.set(bytes()); } });
    }
    this.all = Registry.merge([http, trading, ml, system]);
    for (const position of options.openPositions?.() ?? []) this.openPositions.set(position.id, this.brokerOf(position.taskId));
  }

  observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, endpoint: route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDurations.observe(labels, seconds);
  }

  /** Counts from the domain event stream as events happen; returns the unsubscribe. */
  watch(events: Pick<DomainEventStream, 'subscribe'>): () => void {
    return events.subscribe((event) => this.count(event));
  }

  render(group: MetricsGroup): Promise<string> {
    return (group === 'all' ? this.all : this.registries[group]).metrics();
  }

  private brokerOf(taskId: number | null): string {
    if (taskId === null) return 'unknown';
    let broker = this.taskBrokers.get(taskId);
    if (broker === undefined) {
      broker = kindOf(this.options.brokerOfTask?.(taskId));
      this.taskBrokers.set(taskId, broker);
    }
    return broker;
  }

  private count(event: DomainEvent): void {
    const errorType = TRADING_ERRORS[event.type];
    if (errorType) this.tradingErrors.inc({ error_type: errorType, service: this.brokerOf(event.taskId) });
    switch (event.type) {
      case 'TaskStarted':
        if (event.taskId !== null) {
          this.taskBrokers.set(event.taskId, kindOf(event.data?.broker));
          this.runningTasks.set(event.taskId, this.brokerOf(event.taskId));
        }
        break;
      case 'TaskStopped':
      case 'TaskPaused':
      case 'TaskFailed':
        if (event.taskId !== null) this.runningTasks.delete(event.taskId);
        break;
      case 'OrderSubmitted':
        this.ordersSubmitted.inc({ broker: this.brokerOf(event.taskId) });
        break;
      case 'OrderFilled':
        this.ordersFilled.inc({ broker: this.brokerOf(event.taskId) });
        break;
      case 'PositionOpened':
        if (event.data) this.openPositions.set(event.data.positionId, this.brokerOf(event.taskId));
        break;
      case 'PositionClosed':
        if (event.data) this.openPositions.delete(event.data.positionId);
        break;
      default:
        break;
    }
  }
}
