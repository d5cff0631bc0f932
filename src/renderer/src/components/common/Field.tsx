import type { ReactNode } from 'react';

interface FieldProps {
  label: string;
  /** id of the input the label names. */
  htmlFor: string;
  /** Right side of the label row, e.g. a unit or a toggle (kept outside the <label> so clicks go to it). */
  extra?: ReactNode;
  /** A problem with what was typed, shown before submitting. */
  hint?: string | undefined;
  /** Neutral help under the field. */
  note?: ReactNode;
  children: ReactNode;
}

export function Field({ label, htmlFor, extra, hint, note, children }: FieldProps) {
  return (
    <div className="field">
      <div className="field-label">
        <label htmlFor={htmlFor}>{label}</label>
        {extra}
      </div>
      {children}
      {hint ? <span className="field-hint">{hint}</span> : note ? <span className="field-note">{note}</span> : null}
    </div>
  );
}
