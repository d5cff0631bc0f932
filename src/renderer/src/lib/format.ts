/** Display formatting. Amounts shown are the server's numbers; nothing here does money arithmetic. */

const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 11666.67 → "11,666.67" */
export function formatAmount(amount: number): string {
  return moneyFormat.format(amount);
}

/** 11666.67, "USD" → "$11,666.67"; unknown currency codes fall back to "11,666.67 XYZ". */
export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount);
  } catch {
    return `${moneyFormat.format(amount)} ${currency}`;
  }
}

/** 33.3333 → "33.33 %" */
export function formatPercent(value: number, digits = 2): string {
  return `${value.toFixed(digits)} %`;
}

/** A share of a whole, as a percentage for display only (0 when the whole is 0). */
export function shareOf(part: number, whole: number): number {
  return whole === 0 ? 0 : (part / whole) * 100;
}

export function formatUtcClock(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.floor(totalSeconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${s % 60}s`;
}
