import type { RiskLevel } from '../../../../shared/contract/fields';

export function RiskBadge({ level, testId }: { level: RiskLevel; testId?: string }) {
  return (
    <span className={`badge ${level.toLowerCase()}`} data-testid={testId} title={`Risk level ${level}`}>
      {level}
    </span>
  );
}
