import type { Handlers } from '../../shared/contract/index';
import type { BacktestService } from '../backtest/service';
import { createBacktestHandlers } from './backtest-handlers';
import type { CapitalRepository } from '../ports/capital-repository';
import type { Clock } from '../ports/clock';
import type { CustomStrategyRepository } from '../ports/custom-strategy-repository';
import { createCustomStrategyHandlers } from './custom-strategy-handlers';
import { createAccountHandlers, type AccountHandlerDeps } from './account-handlers';
import { createCapitalHandlers } from './capital-handlers';
import { createMarketHandlers } from './market-handlers';
import { createMt5Handlers, type Mt5HandlerDeps } from './mt5-handlers';
import { requireOwner } from './require-owner';
import { createResearchHandlers, type ResearchHandlerDeps } from './research-handlers';
import { createTradingHandlers, type TradingHandlerDeps } from './trading-handlers';
import { createSignalHandlers, type SignalHandlerDeps } from './signal-handlers';
import { createPaperTradingHandlers, type PaperTradingHandlerDeps } from './paper-trading-handlers';
import { createIdentityHandlers } from './identity-handlers';
import { createExportHandlers } from './export-handlers';
import type { IdentityService } from '../identity/identity-service';
import { createMarket7SystemHandlers, type Market7SystemDeps } from './market7-system-handlers';

export interface ApiDependencies {
  capital: CapitalRepository;
  customStrategies: CustomStrategyRepository;
  trading: TradingHandlerDeps;
  mt5: Mt5HandlerDeps;
  clock: Clock;
  version: string;
  /** Exchange accounts (/api/v1/accounts): repository, OS keychain, ccxt. */
  accounts: AccountHandlerDeps;
  backtests: BacktestService;
  /** Signals (/api/signals/) and paper trading (/api/paper-trading/...) of binance-trading-bot-api.md. */
  signals: SignalHandlerDeps;
  paperTrading: PaperTradingHandlerDeps;
  /** Optimization, walk-forward and Monte Carlo jobs (/api/optimize/, /api/walkforward/, /api/montecarlo/). */
  research: ResearchHandlerDeps;
  /** The local API token of the data folder (system.rotateApiToken). */
  apiToken: { rotate(): void };
  /** Users, sessions, API keys (issue 11): every documented sign-in. */
  identity: IdentityService;
  /** market7's /api/health, /api/status and the Prometheus expositions (version and clock are the ones above). */
  market7: Omit<Market7SystemDeps, 'version' | 'clock'>;
}

/** The ONE implementation of the contract. HTTP, IPC and tests all call these same functions. */
export function createApiHandlers(deps: ApiDependencies): Handlers {
  const startedAt = deps.clock.now().getTime();
  const handlers: Omit<Handlers, 'export.trades' | 'export.backtestTrades' | 'export.journal'> = {
    'system.health': () => {
      const now = deps.clock.now();
      return {
        status: 'ok' as const,
        version: deps.version,
        uptime_seconds: Math.round((now.getTime() - startedAt) / 1000),
        time: now.toISOString(),
      };
    },
    'system.rotateApiToken': (_input, caller) => {
      requireOwner(caller, 'rotate the local API token');
      deps.apiToken.rotate();
      return { rotated: true as const, token_file: 'api-token', print_with: 'npm run -s token' };
    },
    ...createCapitalHandlers(deps.capital),
    ...createTradingHandlers(deps.trading),
    ...createCustomStrategyHandlers(deps.customStrategies),
    ...createMarketHandlers(deps.trading),
    ...createMt5Handlers(deps.mt5),
    ...createAccountHandlers(deps.accounts),
    ...createBacktestHandlers(deps.backtests),
    ...createSignalHandlers(deps.signals),
    ...createPaperTradingHandlers(deps.paperTrading),
    ...createResearchHandlers(deps.research),
    ...createIdentityHandlers({ identity: deps.identity, clock: deps.clock }),
    ...createMarket7SystemHandlers({ ...deps.market7, version: deps.version, clock: deps.clock }),
  };
  // Exports read through the same views the screens use.
  return { ...handlers, ...createExportHandlers(handlers) };
}
