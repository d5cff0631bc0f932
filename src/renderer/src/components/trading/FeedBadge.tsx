import { FEED_LABEL } from '../../lib/trading-format';

const TONE: Record<string, string> = { simulated: 'sim', replay: 'replay', broker: 'live' };
const HELP: Record<string, string> = {
  simulated: 'SIMULATED prices: a seeded random market, not real quotes. Used where no broker is connected and no history is stored.',
  replay: 'Replayed stored history at the feed speed (paper broker)',
  broker: 'Live prices from the connected broker',
};

/** Where prices come from. Simulated prices are always labelled as such, never shown as real. */
export function FeedBadge({ source, compact = false }: { source: string; compact?: boolean }) {
  return (
    <span className={`feed-badge ${TONE[source] ?? 'replay'}${compact ? ' compact' : ''}`} title={HELP[source] ?? source} data-feed={source}>
      {FEED_LABEL[source] ?? source.toUpperCase()}
    </span>
  );
}
