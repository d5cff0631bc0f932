import type { Handlers } from '../../shared/contract/index';
import type { BrokerRegistry } from '../ports/broker';
import type { Clock } from '../ports/clock';
import type { MetricsExposition, MetricsGroup } from '../ports/metrics';
import type { TradingRepository } from '../ports/trading-repository';

export interface Market7SystemDeps {
  version: string;
  clock: Clock;
  /** Where this process runs: 'desktop' (Electron) or 'headless' (`npm run serve`). */
  environment: string;
  repo: TradingRepository;
  brokers: BrokerRegistry;
  metrics: MetricsExposition;
}

type Market7SystemHandlers = Pick<Handlers, 'market7.health' | 'market7.status' | 'metrics.all' | 'metrics.trading' | 'metrics.ml' | 'metrics.system'>;

/** "2d 5h 30m" as market7 writes an uptime (whole minutes; days and hours only when there are any). */
export function formatUptime(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', d || h ? `${h}h` : '', `${m}m`].filter(Boolean).join(' ');
}

/** market7's System endpoints and the Prometheus expositions; the counting itself is the metrics adapter's. */
export function createMarket7SystemHandlers(deps: Market7SystemDeps): Market7SystemHandlers {
  const startedAt = deps.clock.now().getTime();
  /** The database answers a read (the running tasks), or it is unhealthy. */
  const runningTasks = (): number | undefined => {
    try {
      return deps.repo.listTasks({ statuses: ['running'] }).length;
    } catch {
      return undefined;
    }
  };
  const exposition = (group: MetricsGroup) => async () => ({ content_type: deps.metrics.contentType, text: await deps.metrics.render(group) });
  return {
    'market7.health': () => {
      const database = runningTasks() === undefined ? ('unhealthy' as const) : ('healthy' as const);
      return {
        status: database,
        timestamp: deps.clock.now().toISOString(),
        version: deps.version,
        services: { backend: 'healthy' as const, database },
      };
    },
    'market7.status': () => {
      const uptimeSeconds = Math.max(0, Math.round((deps.clock.now().getTime() - startedAt) / 1000));
      const tasks = runningTasks();
      const positions = tasks === undefined ? 0 : deps.repo.listPositions().length;
      return {
        uptime: formatUptime(uptimeSeconds),
        uptime_seconds: uptimeSeconds,
        version: deps.version,
        environment: deps.environment,
        trading_enabled: true,
        services: {
          database: { status: tasks === undefined ? ('unhealthy' as const) : ('healthy' as const) },
          trading: { status: (tasks ?? 0) > 0 ? ('active' as const) : ('idle' as const), active_trades: positions, active_tasks: tasks ?? 0 },
        },
        brokers: deps.brokers.list().map((connection) => {
          const state = connection.state();
          return {
            id: connection.id,
            kind: connection.kind,
            label: connection.label,
            link: state.link,
            broker: state.broker,
            reconciling: state.reconciling,
            detail: state.detail,
            last_heartbeat: state.lastHeartbeat,
          };
        }),
      };
    },
    'metrics.all': exposition('all'),
    'metrics.trading': exposition('trading'),
    'metrics.ml': exposition('ml'),
    'metrics.system': exposition('system'),
  };
}
