import { describe, expect, it, vi } from 'vitest';
import { createNotifier, electronNotificationShower, urgencyOf, type NotifierDeps } from './notifier';

function setup(overrides: Partial<NotifierDeps> = {}) {
  let clock = Date.parse('2025-03-01T12:00:00Z');
  const timers: Array<{ at: number; run: () => void }> = [];
  const showNative = vi.fn<NotifierDeps['showNative']>();
  const broadcast = vi.fn<NotifierDeps['broadcast']>();
  const deps = {
    nativeEnabled: vi.fn(() => true),
    focusApp: vi.fn(),
    now: () => new Date(clock),
    setTimer: (run: () => void, ms: number) => timers.push({ at: clock + ms, run }),
    burstLimit: 2,
    burstWindowMs: 10_000,
    ...overrides,
    showNative,
    broadcast,
  };
  const advance = (ms: number) => {
    clock += ms;
    for (const timer of timers.splice(0).filter((t) => t.at <= clock)) timer.run();
  };
  return { notifier: createNotifier(deps), deps, advance };
}

describe('desktop notifier', () => {
  it('shows a native notification and sends it to the UI', () => {
    const { notifier, deps } = setup();
    notifier.notify({ kind: 'risk', title: 'XAUUSD floating loss 5.2 %', body: 'Positions closed' });
    expect(deps.showNative).toHaveBeenCalledWith({ title: 'XAUUSD floating loss 5.2 %', body: 'Positions closed', urgency: 'critical' }, deps.focusApp);
    expect(deps.broadcast).toHaveBeenCalledWith({
      id: expect.any(String),
      kind: 'risk',
      title: 'XAUUSD floating loss 5.2 %',
      body: 'Positions closed',
      time: '2025-03-01T12:00:00.000Z',
    });
  });

  it('still informs the UI when native notifications are off or unsupported', () => {
    const { notifier, deps } = setup({ nativeEnabled: () => false });
    notifier.notify({ kind: 'fill', title: 'Filled', body: 'BUY 0.10 XAUUSD @ 2031.40' });
    expect(deps.showNative).not.toHaveBeenCalled();
    expect(deps.broadcast).toHaveBeenCalledOnce();
  });

  it('coalesces a burst into one summary notification', () => {
    const { notifier, deps, advance } = setup();
    for (let i = 1; i <= 6; i++) notifier.notify({ kind: i === 5 ? 'risk' : 'fill', title: `Fill ${i}`, body: '' });
    expect(deps.showNative).toHaveBeenCalledTimes(2);
    expect(deps.broadcast).toHaveBeenCalledTimes(6); // the UI's alert list gets every one
    advance(10_000);
    expect(deps.showNative).toHaveBeenCalledTimes(3);
    expect(deps.showNative.mock.calls[2]?.[0]).toEqual({ title: '4 more Echo Workstation alerts', body: 'Fill 3 · Fill 4 · Fill 5 …', urgency: 'critical' });
    notifier.notify({ kind: 'info', title: 'Later', body: '' });
    expect(deps.showNative).toHaveBeenCalledTimes(4);
  });

  it('gives ids that differ', () => {
    const { notifier, deps } = setup();
    notifier.notify({ kind: 'info', title: 'a', body: '' });
    notifier.notify({ kind: 'info', title: 'b', body: '' });
    const ids = deps.broadcast.mock.calls.map((call) => call[0].id);
    expect(new Set(ids).size).toBe(2);
  });

  it('maps kinds to urgency', () => {
    expect(urgencyOf('error')).toBe('critical');
    expect(urgencyOf('fill')).toBe('normal');
    expect(urgencyOf('info')).toBe('low');
  });

  it('drives Electron’s Notification class and focuses the app on click', () => {
    const instances: Array<{ options: unknown; listeners: Record<string, () => void>; shown: boolean }> = [];
    class FakeNotification {
      listeners: Record<string, () => void> = {};
      shown = false;
      constructor(readonly options: unknown) {
        instances.push(this);
      }
      on(event: string, listener: () => void) {
        this.listeners[event] = listener;
      }
      show() {
        this.shown = true;
      }
    }
    const onClick = vi.fn();
    electronNotificationShower(FakeNotification)({ title: 'T', body: 'B', urgency: 'low' }, onClick);
    expect(instances[0]).toMatchObject({ options: { title: 'T', body: 'B', urgency: 'low', silent: true }, shown: true });
    instances[0]!.listeners.click!();
    expect(onClick).toHaveBeenCalledOnce();
  });
});
