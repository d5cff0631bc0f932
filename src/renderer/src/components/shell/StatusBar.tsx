import { TRANSPORT_LABEL } from '../../api/client';
import { useConnectionStore } from '../../stores/connection-store';
import { BrokerStatusItem } from '../brokers/BrokerStatusItem';
import { UtcClock } from './UtcClock';
import { SignedInItem } from './SignedInItem';

export function StatusBar() {
  const apiState = useConnectionStore((s) => s.apiState);
  const latencyMs = useConnectionStore((s) => s.latencyMs);
  const version = useConnectionStore((s) => s.health?.version);
  const transport = useConnectionStore((s) => s.transport);
  const lastError = useConnectionStore((s) => s.lastError);

  const dotClass = apiState === 'connected' ? 'ok' : apiState === 'disconnected' ? 'bad' : 'pending';
  return (
    <footer className="statusbar">
      <span className="status-item" data-testid="api-state" data-state={apiState} title={lastError ?? undefined}>
        <span className={`dot ${dotClass}`} aria-hidden="true" />
        API {apiState}
        {apiState === 'connected' && latencyMs !== null && <span className="num faint">{latencyMs} ms</span>}
      </span>
      <span className="status-item" data-testid="transport">
        {TRANSPORT_LABEL[transport]}
      </span>
      <span className="status-item">{version ? `v${version}` : 'version —'}</span>
      <BrokerStatusItem />
      <span className="status-spacer" />
      <SignedInItem />
      <span className="status-item">
        <UtcClock />
      </span>
    </footer>
  );
}
