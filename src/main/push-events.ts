import { pushEvents, type PushEventName, type PushEventPayload } from '../shared/contract/events';
import { pushEventChannel } from '../shared/contract/window-api';

/** A window's WebContents, as far as pushing events goes. */
export interface PushTarget {
  send(channel: string, payload: unknown): void;
  getURL(): string;
  isDestroyed(): boolean;
}

export type PushEventSender = <E extends PushEventName>(event: E, payload: PushEventPayload<E>) => void;

/**
 * Sends a push event to every open app window. Payloads are checked against the contract first, so the
 * UI never receives a shape it does not expect; pages that are not ours (should one ever load) get nothing.
 */
export function createPushEventSender(deps: {
  targets(): PushTarget[];
  isTrustedUrl(url: string): boolean;
  onInvalid?(event: PushEventName, error: unknown): void;
}): PushEventSender {
  return (event, payload) => {
    const checked = pushEvents[event].safeParse(payload);
    if (!checked.success) {
      deps.onInvalid?.(event, checked.error);
      return;
    }
    const channel = pushEventChannel(event);
    for (const target of deps.targets()) {
      if (target.isDestroyed() || !deps.isTrustedUrl(target.getURL())) continue;
      target.send(channel, checked.data);
    }
  };
}
