import { memo } from 'react';
import { describeRange, humanize, type ParamSpec } from '../../lib/param-form';

interface ParamFieldProps {
  spec: ParamSpec;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
}

/** One strategy parameter: readable name and API key, typed input, and its meaning, default and range under it. */
export const ParamField = memo(function ParamField({ spec, value, error, onChange }: ParamFieldProps) {
  const id = `param-${spec.key}`;
  const range = describeRange(spec);
  const changed = spec.type === 'bool' ? value !== spec.default : value !== undefined && Number(value) !== spec.default;
  const help = `${spec.description}. Default ${String(spec.default)}${range ? ` · ${range}` : ''}`;

  if (spec.type === 'bool') {
    return (
      <div className={`param bool${changed ? ' changed' : ''}`} title={help}>
        <label className="param-toggle" htmlFor={id}>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} data-testid={id} />
          <span className="param-name">{humanize(spec.key)}</span>
          <code className="param-key">{spec.key}</code>
        </label>
        <div className="param-help">
          {spec.description}. <span className="faint">Default {spec.default ? 'on' : 'off'}.</span>
        </div>
      </div>
    );
  }
  return (
    <div className={`param${changed ? ' changed' : ''}`} title={help}>
      <div className="param-line">
        <label htmlFor={id} className="param-name">
          {humanize(spec.key)}
          <code className="param-key">{spec.key}</code>
        </label>
        <div className="param-input">
          <input
            id={id}
            className={`input num${error ? ' invalid' : ''}`}
            inputMode={spec.type === 'int' ? 'numeric' : 'decimal'}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={`${id}-help`}
            data-testid={id}
          />
          <span className="param-unit">{spec.unit ?? ''}</span>
        </div>
      </div>
      {error ? (
        <div className="field-hint" id={`${id}-help`}>
          {error}
        </div>
      ) : (
        <div className="param-help" id={`${id}-help`}>
          {spec.description}. <span className="faint">Default {String(spec.default)}{range ? ` · ${range}` : ''}</span>
        </div>
      )}
    </div>
  );
});
