import { useConnectionStore } from '../../stores/connection-store';
import { useWorkspaceStore } from '../../stores/workspace-store';
import { AllocationWorkspace } from '../allocation/AllocationWorkspace';
import { ApiWorkspace } from '../api/ApiWorkspace';
import { BrokersWorkspace } from '../brokers/BrokersWorkspace';
import { ResearchWorkspace } from '../research/ResearchWorkspace';
import { ToastHost } from '../trading/ToastHost';
import { TradingWorkspace } from '../trading/TradingWorkspace';
import { UsersWorkspace } from '../users/UsersWorkspace';
import { NotSignedInScreen } from './NotSignedInScreen';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';

export function AppShell() {
  const signedIn = useConnectionStore((s) => s.signedIn);
  const active = useWorkspaceStore((s) => s.active);
  if (!signedIn) return <NotSignedInScreen />;
  return (
    <div className="app">
      <Sidebar />
      <main className="workspace" data-testid={`workspace-${active}`}>
        {active === 'allocation' ? (
          <AllocationWorkspace />
        ) : active === 'trading' ? (
          <TradingWorkspace />
        ) : active === 'research' ? (
          <ResearchWorkspace />
        ) : active === 'brokers' ? (
          <BrokersWorkspace />
        ) : active === 'users' ? (
          <UsersWorkspace />
        ) : (
          <ApiWorkspace />
        )}
      </main>
      <StatusBar />
      <ToastHost />
    </div>
  );
}
