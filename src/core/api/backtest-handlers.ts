import type { Handlers } from '../../shared/contract/index';
import type { BacktestService } from '../backtest/service';

type BacktestHandlers = Pick<Handlers, 'backtest.create' | 'backtest.get' | 'backtest.list' | 'backtest.delete' | 'backtest.cancel'>;

/** /api/backtest/ (binance-trading-bot-api.md): the service does the work; these only map the contract onto it. */
export function createBacktestHandlers(service: BacktestService): BacktestHandlers {
  return {
    'backtest.create': (input) => service.create(input),
    'backtest.get': ({ id }) => service.get(id),
    'backtest.list': (input) => service.list(input),
    'backtest.delete': ({ id }) => service.delete(id),
    'backtest.cancel': ({ id }) => service.cancel(id),
  };
}
