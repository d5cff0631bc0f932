/**
 * Fault injection for the crash tests, and nothing else: read once from ECHO_TEST_FAULTS, a comma-separated list that
 * no user sets (unset → no fault). It lets a test land a kill -9 exactly inside the send window of an order, and
 * break recovery on purpose to prove the crash checker sees it.
 *
 *   kill-after-journal:N  the process SIGKILLs itself when the N-th order of its life is committed to the journal,
 *                         before it is sent (real brokers)
 *   kill-after-answer:N   … when the broker's answer to the N-th order arrived, before it is recorded
 *   no-restore-position   reconcile() does not give the broker's positions back to the strategy (the mutation check)
 */
export type SendPoint = 'after-journal' | 'after-answer';

export interface TestFaults {
  skipRestorePosition: boolean;
  /** Called at each point of an order's send window. */
  atSendPoint(point: SendPoint): void;
}

export function parseTestFaults(spec: string | undefined, kill: () => void = () => process.kill(process.pid, 'SIGKILL')): TestFaults {
  const items = (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const killAt = new Map<SendPoint, number>();
  for (const item of items) {
    const match = /^kill-(after-journal|after-answer):(\d+)$/.exec(item);
    if (match) killAt.set(match[1] as SendPoint, Number(match[2]));
  }
  const seen = new Map<SendPoint, number>();
  return {
    skipRestorePosition: items.includes('no-restore-position'),
    atSendPoint(point) {
      const at = killAt.get(point);
      if (at === undefined) return;
      const n = (seen.get(point) ?? 0) + 1;
      seen.set(point, n);
      if (n === at) kill();
    },
  };
}

/** This process's faults (none unless ECHO_TEST_FAULTS is set). */
export const testFaults: TestFaults = parseTestFaults(process.env.ECHO_TEST_FAULTS);
