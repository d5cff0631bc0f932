import type { PushEventPayload } from '../shared/contract/events';
import type { Notification as CoreNotification } from '../core/ports/notifier';

/**
 * Desktop notifications for the things a trader must not miss (fills, risk breaches, lost connections).
 * Every notification also goes to the UI's alert list as a 'notification' push event. Bursts (a grid strategy
 * filling twenty orders at once) are coalesced so the OS notification centre is not flooded.
 */

export type NotificationKind = PushEventPayload<'notification'>['kind'];

export interface DesktopNotification {
  kind: NotificationKind;
  title: string;
  body: string;
}

export interface Notifier {
  notify(notification: DesktopNotification): void;
}

/** What showing one native notification needs; Electron's version is electronNotificationShower below. */
export interface NativeNotificationOptions {
  title: string;
  body: string;
  urgency: 'low' | 'normal' | 'critical';
}

export interface NotifierDeps {
  /** False when the OS has no notification service, or the user turned them off in settings. */
  nativeEnabled(): boolean;
  showNative(options: NativeNotificationOptions, onClick: () => void): void;
  /** Brings the main window to the front (clicking a notification). */
  focusApp(): void;
  /** Sends the notification to the UI as a push event. */
  broadcast(payload: PushEventPayload<'notification'>): void;
  now?(): Date;
  newId?(): string;
  setTimer?(callback: () => void, ms: number): unknown;
  /** At most `burstLimit` native notifications per `burstWindowMs`; the rest become one summary. */
  burstLimit?: number;
  burstWindowMs?: number;
}

/** The core Notifier port's notification (decided from the domain event stream) as a desktop one. */
export function desktopNotificationOf(n: CoreNotification): DesktopNotification {
  const kind: NotificationKind =
    n.kind === 'risk_breach' ? 'risk' : n.kind === 'fill' || n.kind === 'take_profit' ? 'fill' : n.severity === 'critical' ? 'error' : 'info';
  return { kind, title: n.title, body: n.body };
}

export function urgencyOf(kind: NotificationKind): NativeNotificationOptions['urgency'] {
  return kind === 'risk' || kind === 'error' ? 'critical' : kind === 'fill' ? 'normal' : 'low';
}

export function createNotifier(deps: NotifierDeps): Notifier {
  const now = deps.now ?? (() => new Date());
  let counter = 0;
  const newId = deps.newId ?? (() => `${now().getTime().toString(36)}-${(counter++).toString(36)}`);
  const setTimer = deps.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const burstLimit = deps.burstLimit ?? 4;
  const burstWindowMs = deps.burstWindowMs ?? 10_000;

  let windowStart = -Infinity;
  let shownInWindow = 0;
  let suppressed: DesktopNotification[] = [];

  const show = (notification: DesktopNotification) =>
    deps.showNative({ title: notification.title, body: notification.body, urgency: urgencyOf(notification.kind) }, deps.focusApp);

  const flushSuppressed = () => {
    const held = suppressed;
    suppressed = [];
    if (held.length === 0 || !deps.nativeEnabled()) return;
    const risky = held.some((n) => urgencyOf(n.kind) === 'critical');
    show({
      kind: risky ? 'risk' : 'info',
      title: `${held.length} more Echo Workstation alert${held.length === 1 ? '' : 's'}`,
      body: held
        .slice(0, 3)
        .map((n) => n.title)
        .join(' · ') + (held.length > 3 ? ' …' : ''),
    });
  };

  return {
    notify(notification) {
      deps.broadcast({ id: newId(), kind: notification.kind, title: notification.title, body: notification.body, time: now().toISOString() });
      if (!deps.nativeEnabled()) return;
      const t = now().getTime();
      if (t - windowStart >= burstWindowMs) {
        windowStart = t;
        shownInWindow = 0;
      }
      if (shownInWindow < burstLimit) {
        shownInWindow += 1;
        show(notification);
        return;
      }
      if (suppressed.length === 0) setTimer(flushSuppressed, Math.max(0, windowStart + burstWindowMs - t));
      suppressed.push(notification);
    },
  };
}

/** The slice of Electron's Notification class the notifier uses (a constructor parameter keeps this file Electron-free). */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}
export type NotificationConstructorLike = new (options: { title: string; body: string; urgency?: 'low' | 'normal' | 'critical'; silent?: boolean }) => NotificationLike;

/** Shows native notifications with Electron's class, holding a reference until closed so a click still reaches us. */
export function electronNotificationShower(NotificationClass: NotificationConstructorLike): NotifierDeps['showNative'] {
  const alive = new Set<NotificationLike>();
  return (options, onClick) => {
    const notification = new NotificationClass({ title: options.title, body: options.body, urgency: options.urgency, silent: options.urgency === 'low' });
    alive.add(notification);
    notification.on('click', () => {
      alive.delete(notification);
      onClick();
    });
    notification.on('close', () => alive.delete(notification));
    notification.show();
  };
}
