import { Panel } from '../common/Panel';

/** The built-in paper broker: always there, no credentials. */
export function PaperCard() {
  return (
    <Panel
      title="Paper broker"
      aside={
        <span className="state-pill ok" data-testid="paper-state" data-state="connected">
          <span className="dot ok" aria-hidden="true" />
          connected
        </span>
      }
      className="area-paper"
      bodyClassName="padded"
      testId="paper-card"
    >
      <dl className="kv">
        <dt>Broker id</dt>
        <dd className="mono">paper</dd>
        <dt>Fills</dt>
        <dd>Simulated with the execution model (spread, slippage, commission)</dd>
        <dt>Prices</dt>
        <dd>The local market feed (imported history, replayed)</dd>
        <dt>Credentials</dt>
        <dd className="dim">none needed</dd>
      </dl>
    </Panel>
  );
}
