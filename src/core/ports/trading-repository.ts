import type { Timeframe } from '../domain/candles';
import type { ClosedTrade, OrderStatus, Position, SubmitOrder } from '../domain/trading';
import type { Severity } from './notifier';

export interface SessionRecord {
  id: string;
  userId: string;
  status: 'active' | 'closed';
  pairs: string[];
  timeframes: Timeframe[];
  /** Saved strategy configurations ("favorites"), by strategy name. */
  strategyConfigs: Record<string, Record<string, unknown>>;
  createdAt: string;
  updatedAt: string;
}

export type TaskStatus = 'running' | 'paused' | 'stopped' | 'failed';

export interface TaskRecord {
  id: number;
  sessionId: string;
  pair: string;
  timeframe: Timeframe;
  strategyName: string;
  /** The resolved configuration (defaults applied). */
  config: Record<string, number | boolean>;
  status: TaskStatus;
  statusReason: string | null;
  capital: number;
  capitalSource: 'pair_allocation' | 'default';
  pairAllocationId: number | null;
  floatingLossThresholdPct: number | null;
  magic: number;
  /** The broker connection the task trades on ('paper', 'mt5', 'ccxt:<account id>'). */
  broker: string;
  orderIdPrefix: string;
  /** Open time of the last bar fully processed: recovery resumes after it. */
  lastBarTime: number | null;
  createdAt: string;
  startedAt: string;
  stoppedAt: string | null;
}

export interface JournalEntry extends SubmitOrder {
  status: OrderStatus;
  brokerOrderId: string | null;
  fillPrice: number | null;
  filledAt: number | null;
  error: string | null;
  createdAt: string;
}

export interface EngineEventRecord {
  id: number;
  time: string;
  type: string;
  severity: Severity;
  taskId: number | null;
  code: string | null;
  message: string;
}

export interface TradingRepository {
  transaction<T>(work: () => T): T;

  createSession(userId: string, id: string): SessionRecord;
  findSession(id: string): SessionRecord | undefined;
  listSessions(filter?: { userId?: string; status?: SessionRecord['status'] }): SessionRecord[];
  addSessionPair(id: string, pair: string): void;
  removeSessionPair(id: string, pair: string): boolean;
  addSessionTimeframe(id: string, timeframe: Timeframe): void;
  setSessionStrategyConfig(id: string, strategyName: string, config: Record<string, unknown>): void;

  insertTask(task: Omit<TaskRecord, 'id' | 'createdAt' | 'startedAt' | 'stoppedAt' | 'lastBarTime' | 'orderIdPrefix'>): TaskRecord;
  findTask(id: number): TaskRecord | undefined;
  listTasks(filter?: { sessionId?: string; statuses?: TaskStatus[] }): TaskRecord[];
  setTaskStatus(id: number, status: TaskStatus, reason: string | null): void;
  setTaskLastBar(id: number, time: number): void;

  findJournalEntry(clientOrderId: string): JournalEntry | undefined;
  /** The order journaled for a decision (task, bar, intent: SubmitOrder.decisionKey), if any. */
  findJournalByDecision(decisionKey: string): JournalEntry | undefined;
  /** Writes the intent BEFORE it is sent. */
  journalIntent(order: SubmitOrder): void;
  setJournalStatus(clientOrderId: string, status: OrderStatus, details?: { brokerOrderId?: string | null; fillPrice?: number; filledAt?: number; error?: string }): void;
  listJournal(filter?: { taskId?: number; statuses?: OrderStatus[]; limit?: number }): JournalEntry[];

  upsertPosition(position: Position): void;
  deletePosition(id: string): void;
  listPositions(filter?: { taskId?: number }): Position[];
  insertTrade(trade: ClosedTrade): void;
  listTrades(filter?: { taskId?: number; limit?: number }): ClosedTrade[];
  /** Count and summed P&L of a task's closed trades (all tasks' without one), computed by the database. */
  tradeTotals(taskId?: number): { count: number; pnl: number };

  /** `time`: when it happened on the symbol's market clock (replayed or simulated markets); the wall clock when absent. */
  recordEvent(event: { type: string; severity: Severity; taskId: number | null; code: string | null; message: string; data?: unknown; time?: number }): EngineEventRecord;
  listEvents(filter?: { taskId?: number; limit?: number; afterId?: number }): EngineEventRecord[];
}
