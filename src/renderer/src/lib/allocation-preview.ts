import { percentOfCents, splitEvenly } from '../../../shared/lib/money';

/**
 * The 100 % rule, previewed before submitting. All arithmetic is in integer cents with the server's own
 * rounding helpers, so the preview cannot disagree with what the server will decide.
 */

/** Server amounts are whole cents already; this only changes the unit. */
export function centsOf(amount: number): number {
  return Math.round(amount * 100);
}

export type Share = { kind: 'amount'; amount: number } | { kind: 'percentage'; percentage: number };

/** What a share of `capacityCents` comes to, in cents, rounded as the server rounds it. */
export function shareCents(share: Share, capacityCents: number): number {
  return share.kind === 'amount' ? centsOf(share.amount) : percentOfCents(capacityCents, share.percentage).cents;
}

export interface FillPreview {
  requestCents: number;
  afterUsedCents: number;
  /** Share of the capacity used after the request, for display. */
  afterPercent: number;
  leftCents: number;
  /** Greater than 0 when the request would take the capacity over 100 %. */
  overByCents: number;
}

export function previewFill(capacityCents: number, usedCents: number, requestCents: number): FillPreview {
  const afterUsedCents = usedCents + requestCents;
  return {
    requestCents,
    afterUsedCents,
    afterPercent: capacityCents === 0 ? 0 : (afterUsedCents / capacityCents) * 100,
    leftCents: Math.max(0, capacityCents - afterUsedCents),
    overByCents: Math.max(0, afterUsedCents - capacityCents),
  };
}

export interface SplitPreview {
  pairs: number;
  freeCents: number;
  /** The smallest share; the first `leftoverCents` pairs get one cent more. */
  baseCents: number;
  leftoverCents: number;
  /** False when there is less than one cent per pair to give. */
  possible: boolean;
}

/** "Split equally" gives each new pair an equal part of the strategy's capital not yet given to pairs. */
export function previewSplit(freeCents: number, pairs: number): SplitPreview {
  if (pairs <= 0 || freeCents < pairs) return { pairs, freeCents, baseCents: 0, leftoverCents: 0, possible: false };
  const shares = splitEvenly(freeCents, pairs);
  const baseCents = shares[shares.length - 1] ?? 0;
  return { pairs, freeCents, baseCents, leftoverCents: freeCents - baseCents * pairs, possible: true };
}

/** "EURUSD, gbpusd  USDJPY" → ["EURUSD", "GBPUSD", "USDJPY"] */
export function parsePairList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((p) => p.trim().toUpperCase())
    .filter((p) => p.length > 0);
}
