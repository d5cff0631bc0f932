import { useWorkspaceStore, type WorkspaceId } from '../../stores/workspace-store';

const WORKSPACES: readonly { id: WorkspaceId; label: string; icon: string }[] = [
  { id: 'allocation', label: 'Allocation', icon: '◔' },
  { id: 'trading', label: 'Trading', icon: '⇅' },
  { id: 'research', label: 'Research', icon: '∿' },
  { id: 'brokers', label: 'Brokers', icon: '⛁' },
  { id: 'users', label: 'Users', icon: '⚇' },
  { id: 'api', label: 'API', icon: '⌘' },
];

export function Sidebar() {
  const active = useWorkspaceStore((s) => s.active);
  const open = useWorkspaceStore((s) => s.open);
  return (
    <nav className="sidebar" aria-label="Workspaces">
      <div className="brand" title="Echo Workstation">
        <span className="brand-mark" aria-hidden="true" />
      </div>
      {WORKSPACES.map((w) => (
        <button
          key={w.id}
          type="button"
          className="nav-item"
          aria-current={w.id === active ? 'page' : undefined}
          data-testid={`nav-${w.id}`}
          onClick={() => open(w.id)}
        >
          <span className="nav-icon" aria-hidden="true">
            {w.icon}
          </span>
          {w.label}
        </button>
      ))}
    </nav>
  );
}
