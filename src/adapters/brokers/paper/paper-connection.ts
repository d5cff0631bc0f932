import { builtinInstrument } from '../../../core/domain/instruments';
import type { BrokerConnection, BrokerState } from '../../../core/ports/broker';
import type { MarketFeed } from '../../../core/ports/market-feed';
import type { PaperBroker } from './paper-broker';

/** The embedded paper broker as a broker connection: always connected, trading on the offline feed. */
export function createPaperConnection(broker: PaperBroker, feed: MarketFeed): BrokerConnection {
  const state: BrokerState = { link: 'up', broker: 'connected', reconciling: false, detail: 'Embedded paper broker', lastHeartbeat: null };
  return {
    id: 'paper',
    kind: 'paper',
    label: 'Paper (simulated fills)',
    execution: broker,
    feed,
    instrument: builtinInstrument,
    state: () => ({ ...state, lastHeartbeat: new Date().toISOString() }),
    onStateChange: () => () => {},
  };
}
