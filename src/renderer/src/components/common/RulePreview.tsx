import type { FillPreview } from '../../lib/allocation-preview';
import { formatMoney } from '../../lib/format';

interface RulePreviewProps {
  preview: FillPreview | null;
  /** "allocated" (portfolio level) or "given to pairs" (strategy level). */
  usedWord: string;
  currency: string;
  testId: string;
}

/** The 100 % rule, live: what the request leaves, or by how much it overflows. */
export function RulePreview({ preview, usedWord, currency, testId }: RulePreviewProps) {
  if (!preview) return null;
  if (preview.overByCents > 0) {
    return (
      <div className="preview over" data-testid={testId} data-state="over">
        <strong>Over by {formatMoney(preview.overByCents / 100, currency)}</strong> — allocations can never exceed 100 %
      </div>
    );
  }
  return (
    <div className="preview" data-testid={testId} data-state="fits">
      After this: <strong>{preview.afterPercent.toFixed(2)} %</strong> {usedWord},{' '}
      <strong>{formatMoney(preview.leftCents / 100, currency)}</strong> left
    </div>
  );
}
