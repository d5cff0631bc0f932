import { create } from 'zustand';
import { isDomainError, type InputOf, type OutputOf } from '../../../shared/contract/index';
import type { Mt5StatusView } from '../../../shared/contract/mt5';
import { api } from '../api/client';
import { onDomainEvent, onResync } from '../api/event-stream';
import type { ActionOutcome } from './portfolio-store';

/**
 * Brokers: exchange accounts (ccxt, credentials in the OS keychain), the MetaTrader 5 bridge and the paper broker.
 * Credentials pass through the actions below straight to the API and are never kept here: only the masked hints the
 * API answers with are stored.
 */

export type AccountSummary = OutputOf<'accounts.list'>['accounts'][number];
export type Mt5Status = Mt5StatusView;

/** The answer to "Test connection": the synced balance, or the exchange's refusal. */
export type SyncOutcome =
  | { ok: true; balance: number; equity: number; currency: string; at: string }
  | { ok: false; code: string; message: string; at: string };

/** Well-known ccxt exchange ids offered as suggestions; the server accepts any id ccxt knows. */
export const EXCHANGE_SUGGESTIONS: readonly { id: string; name: string; passphrase?: boolean; testnet?: boolean }[] = [
  { id: 'binance', name: 'Binance', testnet: true },
  { id: 'bybit', name: 'Bybit', testnet: true },
  { id: 'okx', name: 'OKX', passphrase: true, testnet: true },
  { id: 'kraken', name: 'Kraken' },
  { id: 'coinbase', name: 'Coinbase Advanced' },
  { id: 'kucoin', name: 'KuCoin', passphrase: true, testnet: true },
  { id: 'bitget', name: 'Bitget', passphrase: true, testnet: true },
  { id: 'gate', name: 'Gate.io', testnet: true },
  { id: 'mexc', name: 'MEXC' },
  { id: 'htx', name: 'HTX' },
  { id: 'bitfinex', name: 'Bitfinex' },
  { id: 'bitstamp', name: 'Bitstamp' },
];


function refusal(error: unknown): { ok: false; code: string; message: string } {
  return {
    ok: false,
    code: isDomainError(error) ? error.code : 'UNKNOWN',
    message: error instanceof Error ? error.message : String(error),
  };
}

interface BrokersState {
  accounts: AccountSummary[];
  accountsLoaded: boolean;
  accountsError: string | null;
  /** The last "Test connection" per account id. */
  syncs: Record<string, SyncOutcome>;
  syncing: Record<string, boolean>;
  mt5: Mt5Status | null;
  mt5Error: string | null;

  refreshAccounts(): Promise<void>;
  refreshMt5(): Promise<void>;
  /**
   * Keeps the MT5 status (and the accounts' link state) current: fetched now, again whenever the event stream says a
   * broker connection changed, and after a resync. Returns the function that stops watching.
   */
  watchBrokers(): () => void;

  createAccount(input: InputOf<'accounts.create'>): Promise<ActionOutcome & { accountId?: string }>;
  updateCredentials(input: InputOf<'accounts.updateCredentials'>): Promise<ActionOutcome>;
  testConnection(accountId: string): Promise<SyncOutcome>;
  deleteAccount(accountId: string): Promise<ActionOutcome>;
  connectMt5(input: InputOf<'mt5.connect'>): Promise<ActionOutcome>;
  disconnectMt5(): Promise<ActionOutcome>;
}

export const useBrokersStore = create<BrokersState>()((set, get) => ({
  accounts: [],
  accountsLoaded: false,
  accountsError: null,
  syncs: {},
  syncing: {},
  mt5: null,
  mt5Error: null,

  async refreshAccounts() {
    try {
      const out = await api.accounts.list({ skip: 0, limit: 500 });
      set({ accounts: out.accounts, accountsLoaded: true, accountsError: null });
    } catch (error) {
      set({ accountsLoaded: true, accountsError: error instanceof Error ? error.message : String(error) });
    }
  },

  async refreshMt5() {
    try {
      const mt5 = await api.mt5.status({});
      set({ mt5, mt5Error: null });
    } catch (error) {
      set({ mt5Error: error instanceof Error ? error.message : String(error) });
    }
  },

  watchBrokers() {
    void get().refreshMt5();
    const offEvents = onDomainEvent(
      (event) => {
        if (event.data?.broker === 'mt5') void get().refreshMt5();
        else void get().refreshAccounts();
      },
      ['BrokerConnectionChanged'],
    );
    const offResync = onResync(() => {
      void get().refreshMt5();
      void get().refreshAccounts();
    });
    return () => {
      offEvents();
      offResync();
    };
  },

  async createAccount(input) {
    try {
      const out = await api.accounts.create(input);
      await get().refreshAccounts();
      return { ok: true, message: out.message, notes: [], accountId: out.account_id };
    } catch (error) {
      return refusal(error);
    }
  },

  async updateCredentials(input) {
    try {
      await api.accounts.updateCredentials(input);
      await get().refreshAccounts();
      return { ok: true, message: 'Credentials replaced in the OS keychain; the next request to the exchange uses them.', notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  async testConnection(accountId) {
    set((s) => ({ syncing: { ...s.syncing, [accountId]: true } }));
    let outcome: SyncOutcome;
    try {
      const out = await api.accounts.syncBalance({ account_id: accountId });
      outcome = { ok: true, balance: out.balance, equity: out.equity, currency: out.currency, at: new Date().toISOString() };
    } catch (error) {
      outcome = { ...refusal(error), at: new Date().toISOString() };
    }
    await get().refreshAccounts();
    set((s) => ({ syncs: { ...s.syncs, [accountId]: outcome }, syncing: { ...s.syncing, [accountId]: false } }));
    return outcome;
  },

  async deleteAccount(accountId) {
    try {
      await api.accounts.delete({ account_id: accountId });
      set((s) => {
        const syncs = { ...s.syncs };
        delete syncs[accountId];
        return { syncs };
      });
      await get().refreshAccounts();
      return { ok: true, message: 'Account deleted; its credentials were removed from the OS keychain.', notes: [] };
    } catch (error) {
      return refusal(error);
    }
  },

  async connectMt5(input) {
    try {
      const out = await api.mt5.connect(input);
      const { launched, password_stored, warnings, ...status } = out;
      set({ mt5: status, mt5Error: null });
      const notes = [
        ...(password_stored ? ['Password stored in the OS keychain.'] : []),
        ...(launched ? ['MetaTrader 5 was started.'] : []),
        ...warnings,
      ];
      return { ok: true, message: out.connected ? `Connected: ${out.detail}` : `Bridge ready: ${out.detail}`, notes };
    } catch (error) {
      return refusal(error);
    }
  },

  async disconnectMt5() {
    try {
      const out = await api.mt5.disconnect({});
      const { was_connected, open_positions_at_broker, ...status } = out;
      set({ mt5: status, mt5Error: null });
      return {
        ok: true,
        message: was_connected
          ? `Disconnected; ${open_positions_at_broker} position(s) stay open at the broker.`
          : 'MetaTrader 5 was not connected; the bridge is stopped.',
        notes: [],
      };
    } catch (error) {
      return refusal(error);
    }
  },
}));

/** Compact label of an MT5 state for the status bar and badges. */
export const MT5_STATE_LABEL: Record<Mt5Status['state'], string> = {
  bridge_stopped: 'stopped',
  bridge_error: 'bridge error',
  waiting_for_terminal: 'waiting',
  synchronizing: 'synchronizing',
  connected: 'connected',
  broker_disconnected: 'broker offline',
  link_lost: 'link lost',
};

/** ok / pending / bad / off: the colour of a state dot. */
export function mt5Tone(state: Mt5Status['state']): 'ok' | 'pending' | 'bad' | 'off' {
  switch (state) {
    case 'connected':
      return 'ok';
    case 'waiting_for_terminal':
    case 'synchronizing':
      return 'pending';
    case 'bridge_stopped':
      return 'off';
    default:
      return 'bad';
  }
}
