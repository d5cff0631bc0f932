import { TIMEFRAME_MS, type Candle, type Timeframe } from '../../../core/domain/candles';
import { builtinInstrument } from '../../../core/domain/instruments';

/**
 * The seeded simulated market: used when no broker is connected and nothing is stored to replay. Always labelled
 * "simulated" wherever it is shown. Deterministic: bar k of (seed, symbol, timeframe) is the same on every run, so
 * a task resumed after a restart sees the same market it left.
 */

/** Bar 0 opens at this instant; bar k at ANCHOR + k × timeframe. */
export const SIMULATION_ANCHOR = Date.UTC(2025, 0, 6);

const START_PRICE: Record<string, number> = {
  XAUUSD: 2650, XAGUSD: 30, EURUSD: 1.04, GBPUSD: 1.25, USDJPY: 157, USDCHF: 0.91, AUDUSD: 0.62, NZDUSD: 0.56,
  USDCAD: 1.44, EURGBP: 0.83, EURJPY: 163, GBPJPY: 196, BTCUSDT: 95_000, ETHUSDT: 3_300, GOOG: 190,
};

function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Counter-based uniform in (0, 1): the k-th draw is independent of how many draws came before. */
function uniform(key: number, k: number, lane: number): number {
  let x = (key ^ Math.imul(k + 1, 0x9e3779b1) ^ Math.imul(lane + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return (x + 0.5) / 4294967296;
}

function normal(key: number, k: number, lane: number): number {
  return Math.sqrt(-2 * Math.log(uniform(key, k, lane))) * Math.cos(2 * Math.PI * uniform(key, k, lane + 1));
}

const CHECKPOINT_EVERY = 4096;

export class SimulatedMarket {
  private readonly key: number;
  private readonly step: number;
  private readonly point: number;
  private readonly mean: number;
  private readonly sigma: number;
  /** Cache of the log-price path: logClose of bar `cachedIndex`. */
  private cachedIndex = -1;
  private cachedLog: number;
  /** logClose of bar k × CHECKPOINT_EVERY, so a step back in time does not recompute the path from bar 0. */
  private readonly checkpoints: number[] = [];

  constructor(seed: number, readonly symbol: string, readonly timeframe: Timeframe) {
    this.key = hash32(`${seed}:${symbol}:${timeframe}`);
    this.step = TIMEFRAME_MS[timeframe];
    const instrument = builtinInstrument(symbol);
    this.point = instrument?.point ?? 0.01;
    this.mean = Math.log(START_PRICE[symbol.replace('/', '')] ?? 100);
    this.cachedLog = this.mean;
    // About 0.08 % per minute bar, scaled with the square root of the bar length.
    this.sigma = 0.0008 * Math.sqrt(this.step / 60_000);
  }

  indexAt(time: number): number {
    return Math.floor((time - SIMULATION_ANCHOR) / this.step);
  }

  timeOf(index: number): number {
    return SIMULATION_ANCHOR + index * this.step;
  }

  private logCloseOf(index: number): number {
    if (index < this.cachedIndex) {
      // Back in time (a chart, a warm-up): restart from the nearest checkpoint, not from bar 0.
      const c = Math.min(Math.floor(index / CHECKPOINT_EVERY), this.checkpoints.length - 1);
      this.cachedIndex = c >= 0 ? c * CHECKPOINT_EVERY : -1;
      this.cachedLog = c >= 0 ? (this.checkpoints[c] as number) : this.mean;
    }
    // Mean-reverting log price, so years of simulation stay in a plausible range.
    while (this.cachedIndex < index) {
      this.cachedIndex++;
      this.cachedLog += 0.002 * (this.mean - this.cachedLog) + this.sigma * normal(this.key, this.cachedIndex, 0);
      if (this.cachedIndex === this.checkpoints.length * CHECKPOINT_EVERY) this.checkpoints.push(this.cachedLog);
    }
    return this.cachedLog;
  }

  private round(price: number): number {
    return Math.round(price / this.point) * this.point;
  }

  bar(index: number): Candle {
    const open = this.round(Math.exp(index === 0 ? this.mean : this.logCloseOf(index - 1)));
    const close = this.round(Math.exp(this.logCloseOf(index)));
    const wick = this.sigma * 0.6;
    const high = this.round(Math.max(open, close) * (1 + Math.abs(normal(this.key, index, 4)) * wick));
    const low = this.round(Math.min(open, close) * (1 - Math.abs(normal(this.key, index, 6)) * wick));
    const volume = Math.round(50 + uniform(this.key, index, 8) * 450);
    return { time: this.timeOf(index), open, high, low, close, volume };
  }
}
