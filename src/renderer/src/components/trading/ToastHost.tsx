import { useEffect } from 'react';
import { useNotificationStore } from '../../stores/notification-store';
import { useWorkspaceStore } from '../../stores/workspace-store';
import { formatUtc } from '../../lib/trading-format';
import './trading.css';

const ICON: Record<string, string> = { fill: '⇄', take_profit: '✓', stop_loss: '✕', risk: '⚠', task: '⏸', order: '!' };

/**
 * Notifications for fills, take-profits and risk breaches, in whichever workspace is open: at most a few, folded per
 * symbol, stacked from the bottom where they cover no form and no result — on Trading over the first columns of the
 * live grids (the start form and its answer are on the right), elsewhere bottom right (forms are on the left).
 */
export function ToastHost() {
  const toasts = useNotificationStore((s) => s.toasts);
  const dismiss = useNotificationStore((s) => s.dismiss);
  const openWorkspace = useWorkspaceStore((s) => s.open);
  const workspace = useWorkspaceStore((s) => s.active);

  useEffect(() => useNotificationStore.getState().listen(), []);

  return (
    <div className={`toasts ${workspace === 'trading' ? 'at-bottom-left' : 'at-bottom-right'}`} aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.severity}`} role={t.severity === 'critical' ? 'alert' : 'status'} data-testid="toast" data-kind={t.kind}>
          <span className="toast-icon" aria-hidden="true">
            {ICON[t.kind] ?? '•'}
          </span>
          <button type="button" className="toast-main" onClick={() => openWorkspace('trading')} title="Open the Trading workspace">
            <span className="toast-title" data-count={t.count}>{t.title}</span>
            <span className="toast-body">{t.body}</span>
            <span className="toast-time">{formatUtc(t.time)} UTC</span>
          </button>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
