import { create } from 'zustand';
import { isDomainError, type OutputOf } from '../../../shared/contract/index';
import { api } from '../api/client';
import type { ActionOutcome } from './portfolio-store';

export type Me = OutputOf<'auth.me'>;
export type UserRow = OutputOf<'identity.users'>[number];
export type SessionRow = OutputOf<'auth.sessions'>['data']['sessions'][number];
export type ApiKeyRow = OutputOf<'identity.apiKeys'>[number];
export type UpgradeRow = OutputOf<'admin.upgradeQueue'>[number];
export type ResetRow = OutputOf<'identity.pendingResets'>[number];

interface IdentityState {
  me: Me | null;
  users: UserRow[];
  sessions: SessionRow[];
  apiKeys: ApiKeyRow[];
  upgrades: UpgradeRow[];
  resets: ResetRow[];
  loadError: string | null;
  /** Who is signed in: loaded once at start (and after sign-in changes), shown in the status bar. */
  loadMe(): Promise<void>;
  /** Everything the Users & access workspace shows that this caller may see. */
  refresh(): Promise<void>;
  /** Runs an action, then refreshes; the outcome is for the form that started it. */
  act(run: () => Promise<unknown>, success: string, notes?: string[]): Promise<ActionOutcome>;
}

const isAdmin = (me: Me | null) => me?.permissions.includes('users') ?? false;

export const useIdentityStore = create<IdentityState>()((set, get) => ({
  me: null,
  users: [],
  sessions: [],
  apiKeys: [],
  upgrades: [],
  resets: [],
  loadError: null,
  async loadMe() {
    try {
      set({ me: await api.auth.me({}) });
    } catch (error) {
      set({ loadError: error instanceof Error ? error.message : String(error) });
    }
  },
  async refresh() {
    try {
      const me = get().me ?? (await api.auth.me({}));
      const admin = isAdmin(me);
      const [sessions, apiKeys, users, upgrades, resets] = await Promise.all([
        api.auth.sessions({}),
        api.identity.apiKeys({}),
        admin ? api.identity.users({}) : Promise.resolve([]),
        admin ? api.admin.upgradeQueue({}) : Promise.resolve([]),
        admin ? api.identity.pendingResets({}) : Promise.resolve([]),
      ]);
      set({ me, sessions: sessions.data.sessions, apiKeys, users, upgrades, resets, loadError: null });
    } catch (error) {
      set({ loadError: error instanceof Error ? error.message : String(error) });
    }
  },
  async act(run, success, notes = []) {
    try {
      await run();
      await get().refresh();
      return { ok: true, message: success, notes };
    } catch (error) {
      return { ok: false, code: isDomainError(error) ? error.code : 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
    }
  },
}));
