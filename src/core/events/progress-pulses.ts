import type { LivePulse } from '../../shared/contract/events';
import type { LivePulsePublisher } from '../ports/domain-events';

/** How often a running job's progress is pulsed (the bus coalesces anything faster anyway). */
export const PROGRESS_PULSE_MS = 300;

/**
 * Pulses the progress of a service's running jobs while it has any, and stops when it has none: the server pushes
 * progress to every window instead of each window asking on a timer. `ensure()` after a job starts.
 */
export function progressPulses(
  job: Extract<LivePulse, { kind: 'job' }>['job'],
  running: () => Iterable<{ id: number; progress: number }>,
  publisher: LivePulsePublisher | undefined,
): { ensure(): void; stop(): void } {
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const tick = () => {
    let any = false;
    for (const { id, progress } of running()) {
      any = true;
      publisher?.pulse({ kind: 'job', job, id, progress });
    }
    if (!any) stop();
  };
  return {
    ensure() {
      if (!publisher || timer) return;
      timer = setInterval(tick, PROGRESS_PULSE_MS);
      timer.unref?.();
    },
    stop,
  };
}
