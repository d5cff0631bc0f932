import { describe, expect, it, vi } from 'vitest';
import { pushEventChannel } from '../shared/contract/window-api';
import { createPushEventSender, type PushTarget } from './push-events';

function target(url: string, destroyed = false) {
  return { send: vi.fn<PushTarget['send']>(), getURL: () => url, isDestroyed: () => destroyed } satisfies PushTarget;
}

describe('push events to windows', () => {
  const breach = { id: 7, type: 'RiskBreached' as const, severity: 'critical' as const, task_id: 3, code: 'MAX_DRAWDOWN', message: 'Drawdown 12 % over the 10 % limit', time: '2025-03-01T12:00:00.000Z' };

  it('sends a valid payload to every live app window on the event’s channel', () => {
    const app = target('app://echo/index.html');
    const other = target('https://evil.example/');
    const gone = target('app://echo/index.html', true);
    const send = createPushEventSender({ targets: () => [app, other, gone], isTrustedUrl: (url) => url.startsWith('app://echo/') });
    send('domain-event', breach);
    expect(app.send).toHaveBeenCalledWith(pushEventChannel('domain-event'), breach);
    expect(other.send).not.toHaveBeenCalled();
    expect(gone.send).not.toHaveBeenCalled();
  });

  it('drops and reports a payload that breaks the contract', () => {
    const app = target('app://echo/index.html');
    const onInvalid = vi.fn();
    const send = createPushEventSender({ targets: () => [app], isTrustedUrl: () => true, onInvalid });
    send('domain-event', { ...breach, type: 'RiskBreach' } as never);
    expect(app.send).not.toHaveBeenCalled();
    expect(onInvalid).toHaveBeenCalledWith('domain-event', expect.anything());
  });
});
