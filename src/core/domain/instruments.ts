/**
 * Instrument metadata: where pip and point sizes, contract sizes and lot limits come from. Strategies never guess
 * them from a symbol's spelling; a broker's own symbol specification (MT5 snapshot, ccxt market) overrides these.
 *
 * point = the smallest price step the quote shows (10^-digits); pip = the conventional trading unit:
 * 10 points on 5-digit FX quotes (0.0001) and 3-digit JPY quotes (0.01); on gold 0.1 $, on silver 0.01 $.
 */
export type AssetClass = 'forex' | 'metal' | 'crypto' | 'stock';

export interface Instrument {
  symbol: string;
  assetClass: AssetClass;
  baseCurrency: string;
  quoteCurrency: string;
  digits: number;
  point: number;
  pipSize: number;
  /** Units of the base per 1.0 lot (100,000 for FX, 100 oz gold, 5,000 oz silver, 1 coin, 1 share). */
  contractSize: number;
  minLot: number;
  lotStep: number;
  maxLot: number;
}

function fx(symbol: string): Instrument {
  const quote = symbol.slice(3, 6);
  const jpy = quote === 'JPY';
  return {
    symbol,
    assetClass: 'forex',
    baseCurrency: symbol.slice(0, 3),
    quoteCurrency: quote,
    digits: jpy ? 3 : 5,
    point: jpy ? 0.001 : 0.00001,
    pipSize: jpy ? 0.01 : 0.0001,
    contractSize: 100_000,
    minLot: 0.01,
    lotStep: 0.01,
    maxLot: 100,
  };
}

const METALS: Instrument[] = [
  { symbol: 'XAUUSD', assetClass: 'metal', baseCurrency: 'XAU', quoteCurrency: 'USD', digits: 2, point: 0.01, pipSize: 0.1, contractSize: 100, minLot: 0.01, lotStep: 0.01, maxLot: 100 },
  { symbol: 'XAGUSD', assetClass: 'metal', baseCurrency: 'XAG', quoteCurrency: 'USD', digits: 3, point: 0.001, pipSize: 0.01, contractSize: 5_000, minLot: 0.01, lotStep: 0.01, maxLot: 100 },
];

const CRYPTO: Instrument[] = ['BTC', 'ETH'].map((base) => ({
  symbol: `${base}USDT`,
  assetClass: 'crypto' as const,
  baseCurrency: base,
  quoteCurrency: 'USDT',
  digits: 2,
  point: 0.01,
  pipSize: 1,
  contractSize: 1,
  minLot: 0.00001,
  lotStep: 0.00001,
  maxLot: 1_000,
}));

const FOREX = ['EURUSD', 'GBPUSD', 'USDJPY', 'USDCHF', 'AUDUSD', 'NZDUSD', 'USDCAD', 'EURGBP', 'EURJPY', 'GBPJPY', 'EURCHF', 'AUDJPY'].map(fx);

const STOCKS: Instrument[] = [
  { symbol: 'GOOG', assetClass: 'stock', baseCurrency: 'GOOG', quoteCurrency: 'USD', digits: 2, point: 0.01, pipSize: 0.01, contractSize: 1, minLot: 1, lotStep: 1, maxLot: 1_000_000 },
];

const CATALOG = new Map<string, Instrument>([...METALS, ...FOREX, ...CRYPTO, ...STOCKS].map((i) => [i.symbol, i]));

/** ccxt writes BTC/USDT; the catalog keys drop the slash. */
export function catalogKey(symbol: string): string {
  return symbol.trim().toUpperCase().replace('/', '');
}

/** Built-in metadata for a symbol, or undefined: then the connected broker must supply it. */
export function builtinInstrument(symbol: string): Instrument | undefined {
  const found = CATALOG.get(catalogKey(symbol));
  return found && { ...found, symbol: symbol.trim().toUpperCase() };
}

export function builtinSymbols(): string[] {
  return [...CATALOG.keys()];
}

/** Rounds a lot size down to the instrument's lot step (a broker refuses other sizes); 0 when below the minimum. */
export function normalizeLots(instrument: Instrument, lots: number): number {
  const steps = Math.floor(lots / instrument.lotStep + 1e-9);
  const normalized = Number((steps * instrument.lotStep).toFixed(8));
  if (normalized < instrument.minLot) return 0;
  return Math.min(normalized, instrument.maxLot);
}

/**
 * Converts a price difference × volume (in the quote currency) into the account currency.
 * Quote = account: 1. Base = account (USDJPY for a USD account): divide by the price. Otherwise a rate
 * for quote→account must be supplied (the engine looks it up from the feed), else undefined.
 */
export function quoteToAccountRate(
  instrument: Instrument,
  accountCurrency: string,
  price: number,
  crossRate?: number,
): number | undefined {
  const quote = instrument.quoteCurrency === 'USDT' ? 'USD' : instrument.quoteCurrency;
  if (quote === accountCurrency) return 1;
  if (instrument.baseCurrency === accountCurrency) return 1 / price;
  return crossRate;
}
