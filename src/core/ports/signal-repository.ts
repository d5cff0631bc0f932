import type { Timeframe } from '../domain/candles';
import type { Side } from '../domain/trading';

/**
 * Trading signals: the entry decisions strategies report on live bars (acted on or filtered, and why), and signals
 * created by hand. Stored in the bar's transaction, so a signal exists exactly when the bar that raised it does.
 */
export type SignalSource = 'strategy' | 'manual';
/** acted: an order was sent for it; filtered: none was (outcomeReason says why); manual: created through the API. */
export type SignalOutcome = 'acted' | 'filtered' | 'manual';

export interface NewSignal {
  source: SignalSource;
  taskId: number | null;
  strategyName: string | null;
  symbol: string;
  timeframe: Timeframe;
  side: Side;
  /** Open time (epoch ms) of the bar the strategy decided on; null for manual signals. */
  barTime: number | null;
  /** When the signal was given (epoch ms): the close of its decision bar (market clock), or the creation time. */
  time: number;
  entryPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  /** 0–1. */
  confidence: number;
  description: string;
  conditionsMet: Record<string, boolean>;
  indicatorValues: Record<string, number | null>;
  outcome: SignalOutcome;
  outcomeReason: string | null;
  /** The opening order sent for it; on the engine's brokers also the id of the position it opened. */
  clientOrderId: string | null;
}

export interface SignalRecord extends NewSignal {
  id: number;
  /**
   * Derived when read: acted → its order is in flight or its position is still open; filtered → never;
   * manual → until a newer signal (acted or manual) arrives for the same symbol and timeframe.
   */
  isActive: boolean;
  /** Wall-clock time it was stored (ISO 8601). */
  recordedAt: string;
}

export interface SignalFilter {
  symbol?: string;
  side?: Side;
  timeframe?: Timeframe;
  isActive?: boolean;
  source?: SignalSource;
  outcome?: SignalOutcome;
  taskId?: number;
  /** Inclusive bounds on `time` (epoch ms). */
  from?: number;
  to?: number;
  offset?: number;
  limit?: number;
}

export interface SignalRepository {
  /** Stores a signal; undefined when the same task already reported this side on this bar (a replayed bar). */
  insert(signal: NewSignal): SignalRecord | undefined;
  find(id: number): SignalRecord | undefined;
  /** Newest first; `count` is the number of matches before offset/limit. */
  list(filter: SignalFilter): { count: number; signals: SignalRecord[] };
  /** Signal ids by the opening order they led to (= the position id on the engine's brokers). */
  idsByOrder(clientOrderIds: readonly string[]): Map<string, number>;
}
