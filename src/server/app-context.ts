import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createApiHandlers } from '../core/api/create-api-handlers';
import { SimulatedExchange, DEFAULT_EXECUTION_MODEL, type ExecutionModel } from '../core/engine/simulated-exchange';
import { TradingKernel } from '../core/engine/trading-kernel';
import { DomainEventBus } from '../core/events/domain-event-bus';
import { notifyOnEvents } from '../core/events/notify-on-events';
import { domainEventJournal } from '../core/events/trading-journal';
import type { DomainEventPublisher, DomainEventStream } from '../core/ports/domain-events';
import { accountRate } from '../core/domain/account-currency';
import { systemClock, type Clock } from '../core/ports/clock';
import type { Notifier } from '../core/ports/notifier';
import { builtinStrategies, findStrategy } from '../core/strategies/registry';
import type { Handlers } from '../shared/contract/index';
import { DATABASE_FILE, openDatabase, type SqliteDatabase } from '../adapters/persistence/sqlite/database';
import { createSqliteCapitalRepository } from '../adapters/persistence/sqlite/capital-repository';
import { createSqliteTradingRepository } from '../adapters/persistence/sqlite/trading-repository';
import { createSqliteCandleStore } from '../adapters/persistence/sqlite/candle-store';
import { createSqliteCustomStrategyRepository } from '../adapters/persistence/sqlite/custom-strategy-repository';
import { PaperBroker } from '../adapters/brokers/paper/paper-broker';
import { createPaperConnection } from '../adapters/brokers/paper/paper-connection';
import { createMt5Bridge, passwordStoreFrom, type Mt5Bridge } from '../adapters/brokers/mt5/index';
import { createBrokerRegistry, type BrokerRegistry } from '../core/ports/broker';
import { LocalMarketFeed } from '../adapters/market-data/live/local-market-feed';
import type { SecretStore } from '../core/ports/secret-store';
import { KeytarSecretStore } from '../adapters/secrets/keytar-secret-store';
import { IdentityService } from '../core/identity/identity-service';
import { createSqliteIdentityRepository } from '../adapters/persistence/sqlite/identity-repository';
import { argon2PasswordHasher } from '../adapters/identity/argon2-password-hasher';
import { keychainSigningKey } from '../adapters/identity/keychain-signing-key';
import { CcxtAccounts } from '../adapters/brokers/ccxt/ccxt-accounts';
import type { CcxtInstanceOptions } from '../adapters/brokers/ccxt/ccxt-exchange';
import type { CcxtExecutionOptions } from '../adapters/brokers/ccxt/ccxt-execution-client';
import type { CcxtFeedOptions } from '../adapters/brokers/ccxt/ccxt-market-feed';
import { createSqliteAccountRepository } from '../adapters/persistence/sqlite/account-repository';
import { CandleCache } from '../core/backtest/candle-cache';
import { BacktestService } from '../core/backtest/service';
import { createSqliteBacktestRepository } from '../adapters/persistence/sqlite/backtest-repository';
import { BacktestWorkerPool } from '../adapters/workers/backtest-pool';
import { backtestWorkerEntry } from './workers/worker-entry';
import { createSqliteSignalRepository } from '../adapters/persistence/sqlite/signal-repository';
import { createSqlitePaperTradingRepository } from '../adapters/persistence/sqlite/paper-trading-repository';
import { createSignalRecorder } from '../core/engine/signal-recorder';
import { PaperAccount } from '../core/engine/paper-account';
import { PoolResearchExecutor } from '../adapters/workers/research-executor';
import { createSqliteResearchRepository } from '../adapters/persistence/sqlite/research-repository';
import { ResearchService } from '../core/research/service';
import { backtestTradesFrom } from '../core/research/backtest-trades';
import { rotateApiToken } from './api-token';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics';

export interface AppContext {
  dataDir: string;
  db: SqliteDatabase;
  handlers: Handlers;
  /** Users, sessions and API keys: the HTTP server authenticates non-owner callers through it. */
  identity: IdentityService;
  logger: Logger;
  version: string;
  kernel: TradingKernel;
  feed: LocalMarketFeed;
  brokers: BrokerRegistry;
  /** The MetaTrader 5 bridge (also registered in `brokers` as 'mt5'). */
  mt5: Mt5Bridge;
  /** Resumes the tasks that were running when the app last stopped (after reconciling with the broker). */
  start(): Promise<void>;
  /** The one domain event stream (stored in the journal first): IPC push, the WebSocket and the notifier subscribe. */
  events: DomainEventStream & DomainEventPublisher;
  /** Prometheus metrics of this context (its own registries); the HTTP server records each request in it. */
  metrics: PrometheusMetrics;
  close(): void;
}

export interface AppContextOptions {
  dataDir: string;
  version: string;
  clock?: Clock;
  /** Defaults to a JSON log file at <data-dir>/logs/echo.log. */
  logger?: Logger;
  /** Desktop notifications; headless mode logs them and pushes them to the browser. */
  notifier?: Notifier;
  /** Offline feed speed in bars per second per task (ECHO_FEED_SPEED, default 1). */
  feedBarsPerSecond?: number;
  maxTasks?: number;
  /** Where exchange credentials live: the OS keychain (keytar) unless a test passes another store. Never plaintext. */
  secrets?: SecretStore;
  /**
   * Settings of every ccxt instance; tests point all exchanges at the local emulator (`apiOrigin`), and may shorten
   * the live candle poll (`feed`) and the order polls (`execution`) of every exchange account.
   */
  exchanges?: CcxtInstanceOptions & { feed?: CcxtFeedOptions; execution?: CcxtExecutionOptions };
  /** The MT5 terminal launcher's OS and environment (tests start a fake terminal64.exe as on Windows). */
  mt5?: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv };
  /** Where this runs, as /api/status reports it ('headless', 'desktop'); default 'local'. */
  environment?: string;
}

function numberFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * The paper broker's fill model: spread and slippage in points, commission per lot and in % per side
 * (ECHO_PAPER_SPREAD_POINTS, ECHO_PAPER_SLIPPAGE_POINTS, ECHO_PAPER_COMMISSION_PER_LOT, ECHO_PAPER_COMMISSION_PCT).
 * Market orders fill at the next bar's open, as in a backtest, so paper and backtest trades agree.
 */
export function paperExecutionModel(env: NodeJS.ProcessEnv = process.env): ExecutionModel {
  return {
    ...DEFAULT_EXECUTION_MODEL,
    spreadPoints: numberFromEnv('ECHO_PAPER_SPREAD_POINTS', 0, env),
    slippagePoints: numberFromEnv('ECHO_PAPER_SLIPPAGE_POINTS', 0, env),
    commissionPerLot: numberFromEnv('ECHO_PAPER_COMMISSION_PER_LOT', 0, env),
    commissionPct: numberFromEnv('ECHO_PAPER_COMMISSION_PCT', 0, env),
  };
}

/**
 * The composition root shared by headless mode and the Electron main process:
 * one database, the engine and the one implementation of the contract.
 */
export function createAppContext(options: AppContextOptions): AppContext {
  const { dataDir, version } = options;
  const clock = options.clock ?? systemClock;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logger =
    options.logger ??
    pino({ level: process.env.ECHO_LOG_LEVEL ?? 'info' }, pino.destination({ dest: join(dataDir, 'logs', 'echo.log'), mkdir: true, sync: false }));
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const capital = createSqliteCapitalRepository(db, clock);
  const trading = createSqliteTradingRepository(db, clock);
  const store = createSqliteCandleStore(db);
  const feed = new LocalMarketFeed({
    store,
    // Each step of a symbol's market is a pulse (coalesced by the bus): the UI refetches its chart and quotes then.
    onStep: (symbol, time) => events.pulse({ kind: 'market', symbol, time: new Date(time).toISOString() }),
    barsPerSecond: options.feedBarsPerSecond ?? numberFromEnv('ECHO_FEED_SPEED', 1),
    seed: 7,
    warmUpBars: 300,
  });
  const paperModel = paperExecutionModel();
  const broker = new PaperBroker(
    db,
    (instrument, listener) =>
      new SimulatedExchange(instrument, paperModel, (price) => accountRate(instrument, price) ?? Number.NaN, listener),
    clock,
  );
  const brokers = createBrokerRegistry();
  brokers.register(createPaperConnection(broker, feed));
  // ccxt exchange accounts: one connection (ccxt:<account id>) and one ccxt instance per account, secrets from the keychain.
  const secrets = options.secrets ?? new KeytarSecretStore();
  const { feed: exchangeFeed, execution: exchangeExecution, ...exchangeInstance } = options.exchanges ?? {};
  const exchangeAccounts = new CcxtAccounts({
    db,
    secrets,
    store,
    clock,
    registry: brokers,
    log: (level, message, data) => logger[level]({ data }, message),
    ...(options.exchanges ? { instance: exchangeInstance } : {}),
    ...(exchangeFeed ? { feed: exchangeFeed } : {}),
    ...(exchangeExecution ? { execution: exchangeExecution } : {}),
  });
  // MetaTrader 5 through the EchoBridge EA: listens only after /api/mt5/connect (or at start when the last connect asked).
  const mt5 = createMt5Bridge({
    dataDir,
    appVersion: version,
    log: (level, message, data) => logger[level]({ data }, message),
    taskOf: (clientOrderId) => trading.findJournalEntry(clientOrderId)?.taskId,
    passwords: passwordStoreFrom(secrets),
    ...options.mt5,
  });
  brokers.register(mt5);
  const notifier: Notifier = options.notifier ?? {
    notify: (n) => logger.info({ notification: n }, n.title),
  };
  // One domain event stream: stored in the journal (engine_events) first, then every subscriber, in order.
  const events = new DomainEventBus({
    journal: domainEventJournal(trading),
    onListenerError: (error, event) => logger.error({ err: error, event: event.type }, 'an event subscriber failed'),
  });
  events.subscribe(notifyOnEvents(notifier));
  // Prometheus: trading metrics counted from the event stream as it happens; database size on disk for /api/metrics/system.
  const databaseFile = join(dataDir, DATABASE_FILE);
  const sizeOf = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  const metrics = new PrometheusMetrics({
    brokerOfTask: (taskId) => trading.findTask(taskId)?.broker,
    diskUsageBytes: () => sizeOf(databaseFile) + sizeOf(`${databaseFile}-wal`),
    openPositions: () => trading.listPositions().map((p) => ({ id: p.id, taskId: Number(p.taskId) })),
  });
  const stopMetrics = metrics.watch(events);
  // Broker links (MT5 terminal attached, exchange reachable, …) are events too: the brokers screens refetch on them.
  brokers.onRegister((connection) => {
    let last = '';
    connection.onStateChange((state) => {
      const signature = `${state.link}|${state.broker}|${state.detail}`;
      if (signature === last) return;
      last = signature;
      events.publish([{
        type: 'BrokerConnectionChanged', severity: state.link === 'down' ? 'warning' : 'info', taskId: null, code: state.link,
        message: `${connection.label}: ${state.link} (${state.detail})`,
        data: { broker: connection.id, link: state.link, detail: state.detail },
      }]);
    });
  });
  // Signals the strategies report (stored in each bar's transaction) and paper-trading runs (/api/signals/, /api/paper-trading/).
  const signals = createSqliteSignalRepository(db, clock);
  const paperRuns = createSqlitePaperTradingRepository(db);
  const paperAccount = new PaperAccount({ repo: trading, runs: paperRuns, strategies: { find: findStrategy, all: () => builtinStrategies }, feed, clock });
  const kernel = new TradingKernel({
    repo: trading,
    capital,
    brokers,
    strategies: { find: findStrategy, all: () => builtinStrategies },
    maxTasks: options.maxTasks ?? numberFromEnv('ECHO_MAX_TASKS', 20),
    warmUpBars: 300,
    defaultCapital: 10_000,
    log: (level, message, data) => logger[level]({ data }, message),
    events,
    onSignal: createSignalRecorder({ signals, repo: trading }),
    accountRules: (task) => paperAccount.rulesFor(task),
  });
  paperAccount.attach(kernel);
  // Backtests run in a worker pool on candles shared through SharedArrayBuffers (see core/backtest).
  const backtestPool = new BacktestWorkerPool({ entry: backtestWorkerEntry() });
  const backtestRepo = createSqliteBacktestRepository(db);
  const candleCache = new CandleCache(store);
  const backtests = new BacktestService({
    repo: backtestRepo,
    cache: candleCache,
    executor: backtestPool,
    clock,
    strategies: { find: findStrategy, all: () => builtinStrategies },
    log: (level, message, data) => logger[level]({ data }, message),
    events,
    pulses: events,
  });
  // Optimization, walk-forward and Monte Carlo: the same pool (named tasks) and the same shared candles.
  const research = new ResearchService({
    repo: createSqliteResearchRepository(db),
    clock,
    log: (level, message, data) => logger[level]({ data }, message),
    events,
    pulses: events,
  });
  // Identity: users in SQLite (argon2id), access tokens signed with a per-install key kept in the OS keychain.
  const identity = new IdentityService({
    repo: createSqliteIdentityRepository(db),
    hasher: argon2PasswordHasher,
    keys: keychainSigningKey(secrets),
    clock,
    notifier,
  });
  const handlers = createApiHandlers({
    identity,
    capital,
    customStrategies: createSqliteCustomStrategyRepository(db, clock),
    trading: { repo: trading, kernel, feed, strategies: { find: findStrategy, all: () => builtinStrategies } },
    mt5: { terminal: mt5, sessionExists: (id) => Boolean(trading.findSession(id)) },
    clock,
    version,
    // The local API token of this data folder: a rotation is seen by every server on it at the next request.
    apiToken: { rotate: () => void rotateApiToken(dataDir) },
    accounts: {
      accounts: createSqliteAccountRepository(db, clock),
      secrets,
      exchanges: exchangeAccounts,
      clock,
      log: (level, message, data) => logger[level]({ data }, message),
    },
    backtests,
    signals: { signals, repo: trading, runs: paperRuns, paper: paperAccount, clock },
    paperTrading: {
      repo: trading,
      runs: paperRuns,
      signals,
      paper: paperAccount,
      kernel,
      strategies: { find: findStrategy, all: () => builtinStrategies },
      feedSpeed: () => feed.speed,
    },
    research: {
      service: research,
      executor: new PoolResearchExecutor(backtestPool),
      cache: candleCache,
      strategies: { find: findStrategy, all: () => builtinStrategies },
      backtests: backtestTradesFrom(backtestRepo),
    },
    market7: { environment: options.environment ?? 'local', repo: trading, brokers, metrics },
  });
  logger.info({ dataDir, version }, 'app context ready');
  return {
    dataDir,
    db,
    handlers,
    identity,
    logger,
    version,
    kernel,
    feed,
    brokers,
    mt5,
    async start() {
      backtests.start();
      await mt5.autoStart();
      const { resumed, failed } = await kernel.recover();
      if (resumed.length || failed.length) logger.info({ resumed: resumed.map((t) => t.id), failed }, 'tasks resumed after start');
    },
    events,
    metrics,
    close() {
      kernel.shutdown();
      stopMetrics();
      exchangeAccounts.closeAll();
      research.shutdown();
      void backtests.close().then(() => backtestPool.close());
      void mt5.close();
      db.close();
      logger.flush?.();
    },
  };
}
