import type { CsvFile } from '../../../shared/contract/exports';

/**
 * Saves a CSV export as a file, the same way over IPC and HTTP: the typed client brings the file as JSON, a Blob
 * link hands it to the browser's (or Electron's) download. Nothing is navigated.
 */
export function saveCsv(file: CsvFile): void {
  const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
