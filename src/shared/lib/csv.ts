/**
 * RFC 4180 CSV: a header row, then one row per record, CRLF line ends; a field with a comma, quote or line break is
 * quoted with its quotes doubled. A field starting with = + - @ (a formula to a spreadsheet) gets a leading
 * apostrophe, so an exported journal message cannot run as a formula when the file is opened (CSV injection).
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
