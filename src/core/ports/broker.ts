import type { Instrument } from '../domain/instruments';
import type { ExecutionClient } from './execution-client';
import type { MarketFeed } from './market-feed';

/**
 * A connected broker as the kernel uses it: where orders go, where bars come from, and what it says about its
 * symbols. The paper broker is always there; ccxt accounts and the MT5 terminal bridge register themselves when
 * they connect. A trading task names the broker it trades on; strategies never see which one it is.
 */
export type BrokerKind = 'paper' | 'ccxt' | 'mt5';

export interface BrokerState {
  /** Our link to the broker (the socket to the MT5 terminal, the exchange's REST/WebSocket). */
  link: 'up' | 'down' | 'connecting';
  /** The broker's own connection as it reports it (MT5: the terminal's link to its trade server). */
  broker: 'connected' | 'disconnected' | 'unknown';
  /** Set while positions and orders are being matched to the journal after a (re)connect. */
  reconciling: boolean;
  detail: string;
  /** Time (ISO) of the last sign of life. */
  lastHeartbeat: string | null;
}

export interface BrokerConnection {
  readonly id: string;
  readonly kind: BrokerKind;
  readonly label: string;
  readonly execution: ExecutionClient;
  readonly feed: MarketFeed;
  /** The broker's own symbol specification (digits, point, contract size, lot limits), if it lists the symbol. */
  instrument(symbol: string): Instrument | undefined;
  state(): BrokerState;
  /** Brokers that connect on demand (an exchange account) open their link here; the kernel calls it before a task starts. */
  ensureConnected?(): Promise<void>;
  /** Called on every link change; the kernel reconciles before tasks resume after a reconnect. */
  onStateChange(listener: (state: BrokerState) => void): () => void;
}

export interface BrokerRegistry {
  get(id: string): BrokerConnection | undefined;
  list(): BrokerConnection[];
  register(connection: BrokerConnection): void;
  unregister(id: string): void;
  /** Hears every connection, those registered already and those to come (the kernel watches their links). */
  onRegister(listener: (connection: BrokerConnection) => void): void;
}

export function createBrokerRegistry(): BrokerRegistry {
  const connections = new Map<string, BrokerConnection>();
  const listeners: ((connection: BrokerConnection) => void)[] = [];
  return {
    get: (id) => connections.get(id),
    list: () => [...connections.values()],
    register: (connection) => {
      connections.set(connection.id, connection);
      for (const listener of listeners) listener(connection);
    },
    unregister: (id) => void connections.delete(id),
    onRegister: (listener) => {
      listeners.push(listener);
      for (const connection of connections.values()) listener(connection);
    },
  };
}
