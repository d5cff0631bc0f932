import type { ActionOutcome } from '../../stores/portfolio-store';

/** The answer to a submitted form: the server's refusal in red, or its confirmation and notes in green. */
export function FormFeedback({ outcome, testId }: { outcome: ActionOutcome | null; testId: string }) {
  if (!outcome) return null;
  if (!outcome.ok) {
    return (
      <div className="feedback error" role="alert" data-testid={testId} data-state="error">
        <span className="code">{outcome.code}</span>
        {outcome.message}
      </div>
    );
  }
  return (
    <div className="feedback success" role="status" data-testid={testId} data-state="success">
      {outcome.message}
      {outcome.notes.length > 0 && (
        <ul data-testid={`${testId}-notes`}>
          {outcome.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
