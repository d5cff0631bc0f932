import { DomainError } from '../../shared/contract/errors';
import type { Handlers } from '../../shared/contract/index';
import type { OverlaysOutput } from '../../shared/contract/market';
import { TIMEFRAME_MS, type Candle } from '../domain/candles';
import { ExponentialMovingAverage } from '../indicators/exponential-moving-average';
import { Highest } from '../indicators/highest';
import { Lowest } from '../indicators/lowest';
import { SimpleMovingAverage } from '../indicators/simple-moving-average';
import { ZScore } from '../indicators/z-score';
import type { TaskRecord } from '../ports/trading-repository';
import type { TradingHandlerDeps } from './trading-handlers';
import { money, px } from './view-numbers';

type MarketHandlers = Pick<Handlers, 'market.overlays'>;
type Series = OverlaysOutput['series'][number];
type Threshold = OverlaysOutput['thresholds'][number];

/** One indicator line of a strategy, fed bar by bar over the window and its warm-up. */
interface Study {
  key: string;
  label: string;
  pane: Series['pane'];
  /** Bars before the window needed so the first value in the window equals the engine's. */
  warmUp: number;
  update(bar: Candle): number | undefined;
}

const num = (config: TaskRecord['config'], key: string, fallback: number): number => {
  const value = config[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
};

/**
 * The chart studies of a strategy, built from the task's resolved config. The definitions mirror the strategy's
 * own indicators (same classes, same periods), recomputed here because the running strategy only keeps the last
 * value. An EMA depends on all of its history; 5 × period bars of warm-up bring it within display precision.
 */
function studiesFor(task: TaskRecord): { studies: Study[]; thresholds: Threshold[] } {
  const c = task.config;
  if (task.strategyName === 'gold_buy_dip') {
    const lookback = num(c, 'lookback_candles', 50);
    const zPeriod = num(c, 'zscore_period', 20);
    const highest = new Highest(lookback);
    const lowest = new Lowest(lookback);
    const z = new ZScore(zPeriod);
    return {
      studies: [
        { key: 'lookback_high', label: `High(${lookback})`, pane: 'price', warmUp: lookback - 1, update: (b) => highest.update(b.high) },
        { key: 'lookback_low', label: `Low(${lookback})`, pane: 'price', warmUp: lookback - 1, update: (b) => lowest.update(b.low) },
        { key: 'zscore', label: `Z(${zPeriod})`, pane: 'oscillator', warmUp: zPeriod - 1, update: (b) => z.update(b.close) },
      ],
      thresholds: [
        { pane: 'oscillator', value: num(c, 'zscore_threshold_sell', 3), label: 'SELL z' },
        { pane: 'oscillator', value: num(c, 'zscore_threshold_buy', -3), label: 'BUY z' },
      ],
    };
  }
  if (task.strategyName === 'simple_ma') {
    const ema = c.use_ema === true;
    const make = (period: number) => (ema ? new ExponentialMovingAverage(period) : new SimpleMovingAverage(period));
    const fastPeriod = num(c, 'fast_period', 10);
    const slowPeriod = num(c, 'slow_period', 20);
    const fast = make(fastPeriod);
    const slow = make(slowPeriod);
    const kind = ema ? 'EMA' : 'SMA';
    const warm = (period: number) => (ema ? period * 5 : period - 1);
    return {
      studies: [
        { key: 'fast_ma', label: `${kind}(${fastPeriod})`, pane: 'price', warmUp: warm(fastPeriod), update: (b) => fast.update(b.close) },
        { key: 'slow_ma', label: `${kind}(${slowPeriod})`, pane: 'price', warmUp: warm(slowPeriod), update: (b) => slow.update(b.close) },
      ],
      thresholds: [],
    };
  }
  return { studies: [], thresholds: [] };
}

const MAX_WARM_UP = 20_000;

export function createMarketHandlers(deps: TradingHandlerDeps): MarketHandlers {
  const { repo, kernel, feed } = deps;

  return {
    'market.overlays': (input) => {
      const task = repo.findTask(input.task_id);
      if (!task) throw new DomainError('NOT_FOUND', `Task ${input.task_id} does not exist; list a session's tasks with GET /api/dynamic-trading/{session_id}/tasks`);
      const actor = kernel.actorOf(task.id);
      // The same window rule as market.candles, bounded by what this task has seen.
      const latest = actor?.lastBar?.time ?? task.lastBarTime ?? null;
      const until = input.to !== undefined ? (latest === null ? input.to : Math.min(input.to, latest)) : latest;
      const { studies, thresholds } = studiesFor(task);
      const warmUp = Math.min(MAX_WARM_UP, Math.max(0, ...studies.map((s) => s.warmUp)));
      const bars = feed.history(task.pair, task.timeframe, until, input.limit + warmUp);

      let start = Math.max(0, bars.length - input.limit);
      if (input.from !== undefined) while (start < bars.length && (bars[start] as Candle).time < input.from) start++;
      const values = studies.map(() => [] as (number | null)[]);
      bars.forEach((bar, i) => {
        studies.forEach((study, k) => {
          const v = study.update(bar);
          if (i >= start) (values[k] as (number | null)[]).push(v === undefined ? null : v);
        });
      });
      const windowBars = bars.slice(start);
      const time = windowBars.map((b) => b.time);

      const first = time[0];
      const end = time.length ? (time[time.length - 1] as number) + TIMEFRAME_MS[task.timeframe] : undefined;
      const inWindow = (t: number) => first !== undefined && end !== undefined && t >= first && t < end;
      const markers: OverlaysOutput['markers'] = [];
      for (const t of repo.listTrades({ taskId: task.id, limit: 100_000 })) {
        const base = { position_id: t.positionId, side: t.side, lots: t.lots, open: false };
        if (inWindow(t.entryTime)) markers.push({ ...base, kind: 'entry', time: t.entryTime, price: px(t.symbol, t.entryPrice), reason: null, pnl: null });
        if (inWindow(t.exitTime)) markers.push({ ...base, kind: 'exit', time: t.exitTime, price: px(t.symbol, t.exitPrice), reason: t.exitReason, pnl: money(t.pnl) });
      }
      const open = actor ? actor.runner.positions : repo.listPositions({ taskId: task.id });
      for (const p of open) {
        if (inWindow(p.entryTime)) {
          markers.push({ position_id: p.id, kind: 'entry', side: p.side, time: p.entryTime, price: px(p.symbol, p.entryPrice), lots: p.lots, reason: null, pnl: null, open: true });
        }
      }
      markers.sort((a, b) => a.time - b.time);

      return {
        task_id: task.id,
        symbol: task.pair,
        timeframe: task.timeframe,
        strategy_name: task.strategyName,
        simulated: (actor?.source ?? feed.sourceOf(task.pair, task.timeframe)) === 'simulated',
        time,
        series: studies.map((s, k) => ({ key: s.key, label: s.label, pane: s.pane, values: values[k] as (number | null)[] })),
        thresholds,
        markers,
        levels: openLevels(open, actor?.runner.indicators() ?? {}, gridRoom(task, open.length)).map((l) => ({ ...l, price: px(task.pair, l.price) })),
      };
    },
  };
}

/** Whether the open series may still add a grid trade (grid on, fewer trades than max_grid_trades). */
function gridRoom(task: TaskRecord, openCount: number): boolean {
  return task.config.use_grid_trading === true && openCount < num(task.config, 'max_grid_trades', 5);
}

/** Lines of the open series: each entry, the (shared) take-profit and stop, and where the next grid trade would go. */
function openLevels(
  open: readonly { side: string; lots: number; entryPrice: number; takeProfit: number | null; stopLoss: number | null }[],
  indicators: Record<string, number | null>,
  gridOpen: boolean,
): OverlaysOutput['levels'] {
  const levels: OverlaysOutput['levels'] = [];
  const seen = new Set<string>();
  const add = (kind: OverlaysOutput['levels'][number]['kind'], price: number | null | undefined, label: string) => {
    if (price === null || price === undefined || !Number.isFinite(price)) return;
    const key = `${kind}:${price}`;
    if (seen.has(key)) return;
    seen.add(key);
    levels.push({ kind, price, label });
  };
  open.forEach((p, i) => add('entry', p.entryPrice, open.length > 1 ? `#${i + 1} ${p.side} ${p.lots}` : `${p.side} ${p.lots}`));
  for (const p of open) add('take_profit', p.takeProfit, 'TP');
  for (const p of open) add('stop_loss', p.stopLoss, 'SL');
  if (open.length > 0 && gridOpen) add('next_grid', indicators.next_grid_level, 'Next grid');
  return levels;
}
