import { create } from 'zustand';

/** Only workspaces that work today are listed; others are added as their features land. */
export type WorkspaceId = 'allocation' | 'trading' | 'research' | 'brokers' | 'users' | 'api';

interface WorkspaceState {
  active: WorkspaceId;
  open(workspace: WorkspaceId): void;
}

export const useWorkspaceStore = create<WorkspaceState>()((set) => ({
  active: 'allocation',
  open: (active) => set({ active }),
}));
