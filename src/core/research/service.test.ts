import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../adapters/persistence/sqlite/database';
import { createSqliteResearchRepository } from '../../adapters/persistence/sqlite/research-repository';
import { DomainError } from '../../shared/contract/errors';
import { CancelledError } from './runner';
import { CANCELLED_MESSAGE, INTERRUPTED_MESSAGE, ResearchService, type JobContext } from './service';

const clock = { now: () => new Date('2024-11-06T10:30:00.123Z') };
const record = (name: string) => ({ kind: 'optimization' as const, name, request: { symbols: ['XAUUSD'] }, backtestId: null });

/** A job whose end the test decides, and that honours cancel like the real ones. */
function controllable() {
  let finish!: (value: unknown) => void;
  let fail!: (error: unknown) => void;
  let context!: JobContext;
  const work = (ctx: JobContext) => {
    context = ctx;
    return new Promise((resolve, reject) => {
      finish = resolve;
      fail = reject;
      ctx.signal.addEventListener('abort', () => reject(new CancelledError()));
    });
  };
  return { work, finish: (v: unknown) => finish(v), fail: (e: unknown) => fail(e), context: () => context };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('research job life cycle', () => {
  it('PENDING → RUNNING with live progress → COMPLETED with results; at most maxActive at once, the rest in order', async () => {
    const repo = createSqliteResearchRepository(openDatabase(':memory:'));
    const service = new ResearchService({ repo, clock, maxActive: 1 });
    const a = controllable();
    const b = controllable();
    const first = service.submit(record('a'), a.work);
    const second = service.submit(record('b'), b.work);
    expect(first).toMatchObject({ status: 'PENDING', progress: 0, createdAt: '2024-11-06T10:30:00Z', results: null });
    await tick();
    expect(service.get('optimization', first.id)).toMatchObject({ status: 'RUNNING', startedAt: '2024-11-06T10:30:00Z' });
    expect(service.get('optimization', second.id)?.status).toBe('PENDING');
    a.context().setProgress(42.26);
    expect(service.get('optimization', first.id)?.progress).toBe(42.3);
    a.finish({ best: 1 });
    await tick();
    expect(service.get('optimization', first.id)).toMatchObject({ status: 'COMPLETED', progress: 100, results: { best: 1 }, error: null });
    expect(service.get('optimization', second.id)?.status).toBe('RUNNING');
    b.fail(new DomainError('VALIDATION_FAILED', 'No parameter combination is valid'));
    await service.idle();
    expect(service.get('optimization', second.id)).toMatchObject({ status: 'FAILED', error: 'No parameter combination is valid', results: null });
    expect(service.list('optimization', { limit: 10, offset: 0 }).rows.map((r) => r.name)).toEqual(['b', 'a']);
    expect(service.list('optimization', { status: 'FAILED', limit: 10, offset: 0 }).count).toBe(1);
    expect(service.get('walkforward', first.id)).toBeUndefined(); // another kind's id
  });

  it('cancels a running job (its signal aborts) and a queued one; both end FAILED "Cancelled by the user"', async () => {
    const repo = createSqliteResearchRepository(openDatabase(':memory:'));
    const service = new ResearchService({ repo, clock, maxActive: 1 });
    const a = controllable();
    const b = controllable();
    const running = service.submit(record('a'), a.work);
    const queued = service.submit(record('b'), b.work);
    await tick();
    a.context().setProgress(10);
    expect(service.cancel('optimization', running.id)).toMatchObject({ status: 'FAILED', error: CANCELLED_MESSAGE, progress: 10 });
    expect(a.context().signal.aborted).toBe(true);
    await tick();
    // The queued one started when the first was cancelled; cancel it too, then delete it.
    expect(service.get('optimization', queued.id)?.status).toBe('RUNNING');
    expect(service.remove('optimization', queued.id)).toBe(true);
    expect(service.get('optimization', queued.id)).toBeUndefined();
    expect(service.remove('optimization', queued.id)).toBe(false);
    await service.idle();
    expect(service.get('optimization', running.id)?.error).toBe(CANCELLED_MESSAGE);
  });

  it('refuses beyond maxQueued, and fails jobs a previous run left unfinished', async () => {
    const db = openDatabase(':memory:');
    const repo = createSqliteResearchRepository(db);
    const service = new ResearchService({ repo, clock, maxActive: 1, maxQueued: 2 });
    service.submit(record('a'), controllable().work);
    service.submit(record('b'), controllable().work);
    expect(() => service.submit(record('c'), controllable().work)).toThrow(/2 research jobs are already queued or running/);
    await tick();
    // The app stops without finishing them: the next start marks them FAILED.
    const restarted = new ResearchService({ repo, clock });
    const rows = restarted.list('optimization', { limit: 10, offset: 0 }).rows;
    expect(rows.map((r) => [r.status, r.error])).toEqual([
      ['FAILED', INTERRUPTED_MESSAGE],
      ['FAILED', INTERRUPTED_MESSAGE],
    ]);
  });
});
