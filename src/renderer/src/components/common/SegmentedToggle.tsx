interface Option<V extends string> {
  value: V;
  label: string;
  testId?: string;
}

interface SegmentedToggleProps<V extends string> {
  value: V;
  options: readonly Option<NoInfer<V>>[];
  onChange(value: NoInfer<V>): void;
  label: string;
  tiny?: boolean;
}

/** Two or three mutually exclusive choices, e.g. "$ amount" vs "% of portfolio". */
export function SegmentedToggle<V extends string>({ value, options, onChange, label, tiny }: SegmentedToggleProps<V>) {
  return (
    <span className={`segmented${tiny ? ' tiny' : ''}`} role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={option.value === value}
          data-testid={option.testId}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </span>
  );
}
