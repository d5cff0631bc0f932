import { create } from 'zustand';
import { isDomainError, procedures, type InputOf, type OutputOf, type ProcedureName } from '../../../shared/contract/index';
import type { PortfolioSummary } from '../../../shared/contract/capital';
import { api } from '../api/client';

export type Dashboard = OutputOf<'capital.getDashboard'>;
export type RiskStatus = OutputOf<'capital.getRiskStatus'>;
export type DashboardStrategy = Dashboard['strategies'][string];

/** What a form shows after submitting: the server's sentence and notes, or its refusal. */
export type ActionOutcome = { ok: true; message: string; notes: string[] } | { ok: false; code: string; message: string };

interface PortfolioState {
  portfolios: PortfolioSummary[];
  listLoaded: boolean;
  listError: string | null;
  selectedUserId: string | null;
  dashboard: Dashboard | null;
  risk: RiskStatus | null;
  detailLoading: boolean;
  detailError: string | null;

  refreshList(): Promise<void>;
  select(userId: string | null): Promise<void>;
  refreshSelected(): Promise<void>;

  createPortfolio(input: InputOf<'capital.createPortfolio'>): Promise<ActionOutcome>;
  allocateStrategy(input: InputOf<'capital.allocateStrategy'>): Promise<ActionOutcome>;
  allocatePairs(input: InputOf<'capital.allocatePairs'>): Promise<ActionOutcome>;
  addPairs(input: InputOf<'capital.addPairs'>): Promise<ActionOutcome>;
  resetPortfolio(input: InputOf<'capital.resetPortfolio'>): Promise<ActionOutcome>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The same sentence the server puts in its envelope, derived from the procedure table. */
function successMessage<N extends ProcedureName>(name: N, output: OutputOf<N>): string {
  return (procedures[name].message as (o: OutputOf<N>) => string)(output);
}

function refusal(error: unknown): ActionOutcome {
  return { ok: false, code: isDomainError(error) ? error.code : 'UNKNOWN', message: messageOf(error) };
}

/** Guards against a slow answer for a previously selected portfolio overwriting the current one. */
let detailRequest = 0;

export const usePortfolioStore = create<PortfolioState>()((set, get) => {
  /** Runs one mutation, then re-reads everything it may have changed. */
  async function mutate<N extends ProcedureName>(
    name: N,
    run: () => Promise<OutputOf<N>>,
    notesOf: (output: OutputOf<N>) => string[],
    afterSuccess?: (output: OutputOf<N>) => Promise<void>,
  ): Promise<ActionOutcome> {
    try {
      const output = await run();
      if (afterSuccess) await afterSuccess(output);
      else await Promise.all([get().refreshList(), get().refreshSelected()]);
      return { ok: true, message: successMessage(name, output), notes: notesOf(output) };
    } catch (error) {
      // A refusal changes nothing on the server, but re-reading keeps the screen honest if someone else changed it.
      await Promise.all([get().refreshList(), get().refreshSelected()]);
      return refusal(error);
    }
  }

  return {
    portfolios: [],
    listLoaded: false,
    listError: null,
    selectedUserId: null,
    dashboard: null,
    risk: null,
    detailLoading: false,
    detailError: null,

    async refreshList() {
      try {
        const { portfolios } = await api.capital.listPortfolios({});
        set({ portfolios, listLoaded: true, listError: null });
        const selected = get().selectedUserId;
        if (selected === null || !portfolios.some((p) => p.user_id === selected)) {
          await get().select(portfolios[0]?.user_id ?? null);
        }
      } catch (error) {
        set({ listLoaded: true, listError: messageOf(error) });
      }
    },

    async select(userId) {
      set({ selectedUserId: userId, ...(userId !== get().dashboard?.user_id ? { dashboard: null, risk: null } : {}) });
      await get().refreshSelected();
    },

    async refreshSelected() {
      const userId = get().selectedUserId;
      const request = ++detailRequest;
      if (userId === null) {
        set({ dashboard: null, risk: null, detailLoading: false, detailError: null });
        return;
      }
      set({ detailLoading: true });
      try {
        const [dashboard, risk] = await Promise.all([
          api.capital.getDashboard({ user_id: userId }),
          api.capital.getRiskStatus({ user_id: userId }),
        ]);
        if (request === detailRequest) set({ dashboard, risk, detailLoading: false, detailError: null });
      } catch (error) {
        if (request === detailRequest) set({ dashboard: null, risk: null, detailLoading: false, detailError: messageOf(error) });
      }
    },

    createPortfolio: (input) =>
      mutate(
        'capital.createPortfolio',
        () => api.capital.createPortfolio(input),
        () => [],
        async (created) => {
          await get().refreshList();
          await get().select(created.user_id);
        },
      ),

    allocateStrategy: (input) =>
      mutate('capital.allocateStrategy', () => api.capital.allocateStrategy(input), (o) => o.notes),

    allocatePairs: (input) => mutate('capital.allocatePairs', () => api.capital.allocatePairs(input), (o) => o.notes),

    addPairs: (input) => mutate('capital.addPairs', () => api.capital.addPairs(input), (o) => o.notes),

    resetPortfolio: (input) =>
      mutate(
        'capital.resetPortfolio',
        () => api.capital.resetPortfolio(input),
        () => [],
        async () => {
          await get().select(null);
          await get().refreshList();
        },
      ),
  };
});
