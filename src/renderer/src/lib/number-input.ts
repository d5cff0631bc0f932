/**
 * Parsing what a trader types into money and percentage fields. Thousands separators and a leading "$"
 * are accepted; anything else that is not a plain number is reported, never guessed.
 */

export type ParsedNumber = { ok: true; value: number } | { ok: false; problem: string };

export function parseNumberInput(text: string, label: string): ParsedNumber {
  const cleaned = text.trim().replace(/^\$/, '').replace(/[,\s_]/g, '').replace(/%$/, '');
  if (cleaned === '') return { ok: false, problem: `${label} is required` };
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(cleaned)) return { ok: false, problem: `${label} must be a number such as 5000 or 5,000.00` };
  return { ok: true, value: Number(cleaned) };
}

/** A hint shown next to the field before submitting; the server remains the judge. */
export function moneyHint(text: string, label: string): string | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseNumberInput(text, label);
  if (!parsed.ok) return parsed.problem;
  if (parsed.value <= 0) return `${label} must be greater than 0`;
  if (!hasAtMostTwoDecimals(parsed.value)) return `${label} is kept to the cent: at most 2 decimals`;
  return undefined;
}

export function percentHint(text: string, label: string): string | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseNumberInput(text, label);
  if (!parsed.ok) return parsed.problem;
  if (parsed.value <= 0 || parsed.value > 100) return `${label} must be more than 0 and at most 100`;
  return undefined;
}

/** Exact for every amount a double can carry to the cent: 9000.123 is refused, 0.29 (28.999…96 cents) is not. */
function hasAtMostTwoDecimals(value: number): boolean {
  return Math.round(value * 100) / 100 === value;
}
