import { builtinInstrument, type AssetClass, type Instrument } from '../../../core/domain/instruments';
import type { ExitReason, Position, Side } from '../../../core/domain/trading';
import type { Mt5AccountWire, Mt5DealWire, Mt5OrderWire, Mt5PositionWire, Mt5SymbolWire, SnapshotMessage, UpdateMessage } from './protocol';

/**
 * What the terminal last told us: account, Market Watch symbols, open positions and pending orders. Replaced by every
 * snapshot, then kept current by the sequenced updates. Pure state: the bridge decides what the changes mean.
 */
export class Mt5Book {
  account: Mt5AccountWire | null = null;
  accountAt: number | null = null;
  readonly symbols = new Map<string, Mt5SymbolWire>();
  readonly positions = new Map<string, Mt5PositionWire>();
  orders: Mt5OrderWire[] = [];
  readonly quotes = new Map<string, { bid: number; ask: number; time: number }>();

  /** Replaces everything; returns the positions that disappeared and those that are new since the last state. */
  replace(snapshot: SnapshotMessage, now: number): { vanished: Mt5PositionWire[]; appeared: Mt5PositionWire[] } {
    const before = new Map(this.positions);
    this.account = snapshot.account;
    this.accountAt = now;
    this.symbols.clear();
    for (const symbol of snapshot.symbols) this.symbols.set(symbol.name.toUpperCase(), symbol);
    this.positions.clear();
    for (const position of snapshot.positions) this.positions.set(position.ticket, position);
    this.orders = snapshot.orders;
    const vanished = [...before.values()].filter((p) => !this.positions.has(p.ticket));
    const appeared = snapshot.positions.filter((p) => !before.has(p.ticket));
    return { vanished, appeared };
  }

  /** Applies one update to the state (the bridge looks at the message for fills before calling this). */
  apply(update: UpdateMessage, now: number): void {
    switch (update.type) {
      case 'tick':
        this.quotes.set(update.symbol.toUpperCase(), { bid: update.bid, ask: update.ask, time: update.time });
        return;
      case 'account':
        this.account = update.account;
        this.accountAt = now;
        return;
      case 'position_opened':
      case 'position_modified':
        this.positions.set(update.position.ticket, update.position);
        return;
      case 'position_closed':
        this.positions.delete(update.ticket);
        return;
      case 'bar':
      case 'deal_added':
        return;
    }
  }

  symbol(name: string): Mt5SymbolWire | undefined {
    return this.symbols.get(name.trim().toUpperCase());
  }
}

export const toSide = (side: 'buy' | 'sell'): Side => (side === 'buy' ? 'BUY' : 'SELL');
export const fromSide = (side: Side): 'buy' | 'sell' => (side === 'BUY' ? 'buy' : 'sell');
const priceOrNull = (value: number): number | null => (value > 0 ? value : null);

/**
 * Our Position from the terminal's, with the task it belongs to and the entry commission (a positive cost).
 * Symbols are upper-cased like everywhere in the app; the EA matches names ignoring case.
 */
export function toPosition(p: Mt5PositionWire, taskId: string, entryCommission: number): Position {
  return {
    id: p.ticket,
    taskId,
    symbol: p.symbol.toUpperCase(),
    side: toSide(p.side),
    lots: p.volume,
    entryPrice: p.price_open,
    entryTime: p.time,
    takeProfit: priceOrNull(p.tp),
    stopLoss: priceOrNull(p.sl),
    magic: p.magic,
    clientOrderId: p.comment,
    commission: entryCommission,
  };
}

/** Why a position closed, from the closing deal's reason; `ordered` is the reason our own close order gave. */
export function exitReasonOf(deal: Mt5DealWire | null, ordered: ExitReason | undefined): ExitReason {
  switch (deal?.reason) {
    case 'sl':
      return 'stop_loss';
    case 'tp':
      return 'take_profit';
    // A margin stop-out: the broker closed it because the account's drawdown ate the margin.
    case 'so':
      return 'max_drawdown';
    case 'expert':
      return ordered ?? 'manual';
    default:
      // Closed in the terminal by hand (desktop, mobile, web) or by something we did not send.
      return ordered ?? 'manual';
  }
}

const METALS = new Set(['XAU', 'XAG', 'XPT', 'XPD']);
const CRYPTO = new Set(['BTC', 'ETH', 'LTC', 'XRP', 'BCH', 'SOL', 'ADA', 'DOGE', 'DOT', 'USDT']);

function assetClassOf(s: Mt5SymbolWire): AssetClass {
  const base = s.currency_base.toUpperCase();
  if (METALS.has(base)) return 'metal';
  if (CRYPTO.has(base) || /crypto/i.test(s.path)) return 'crypto';
  if (s.calc_mode === 'forex' || s.calc_mode === 'forex_no_leverage') return 'forex';
  return 'stock';
}

/**
 * The broker's own specification of a symbol as our Instrument. The pip is not in MetaTrader's data: the built-in
 * catalogue's value is used for symbols it knows; otherwise 10 points on 3- and 5-digit quotes, else one point.
 */
export function toInstrument(s: Mt5SymbolWire): Instrument {
  const builtin = builtinInstrument(s.name);
  const pipSize = builtin?.pipSize ?? (s.digits === 3 || s.digits === 5 ? s.point * 10 : s.point);
  return {
    symbol: s.name.toUpperCase(),
    assetClass: builtin?.assetClass ?? assetClassOf(s),
    baseCurrency: s.currency_base || builtin?.baseCurrency || s.name.slice(0, 3),
    quoteCurrency: s.currency_profit || builtin?.quoteCurrency || s.name.slice(3, 6),
    digits: s.digits,
    point: s.point,
    pipSize: Number(pipSize.toPrecision(12)),
    contractSize: s.contract_size,
    minLot: s.volume_min,
    lotStep: s.volume_step,
    maxLot: s.volume_max,
  };
}
