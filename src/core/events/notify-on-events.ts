import type { DomainEvent } from '../domain/domain-events';
import type { Notification, Notifier } from '../ports/notifier';

/**
 * Which domain events become a notification (tray, native desktop notification, headless log line), and how it reads.
 * The notifier is one subscriber of the event stream like any other; nothing calls it on the side.
 */
export function notificationFor(event: DomainEvent): Notification | null {
  const body = event.message;
  switch (event.type) {
    case 'OrderFilled':
      return { kind: 'fill', severity: 'info', title: titled('Order filled', event), body };
    case 'PositionClosed': {
      const reason = event.data?.exitReason ?? event.code;
      if (reason === 'take_profit' || reason === 'series_take_profit') return { kind: 'take_profit', severity: 'info', title: titled('Take-profit hit', event), body };
      if (reason === 'stop_loss') return { kind: 'stop_loss', severity: 'warning', title: titled('Stop-loss hit', event), body };
      return null; // signal and manual closes: their fill was already notified
    }
    case 'RiskBreached':
      return { kind: 'risk_breach', severity: 'critical', title: titled(`Risk limit hit${event.code ? ` (${event.code})` : ''}`, event), body };
    case 'TaskPaused':
      return { kind: 'task', severity: event.severity, title: titled('Task paused', event), body };
    case 'TaskFailed':
      return { kind: 'task', severity: 'critical', title: titled('Task failed', event), body };
    case 'TaskReconciled':
      return { kind: 'task', severity: 'warning', title: titled('Task reconciled with its broker', event), body };
    default:
      return null;
  }
}

function titled(title: string, event: DomainEvent): string {
  return event.taskId !== null ? `${title} · task ${event.taskId}` : title;
}

/** Subscribes a Notifier to the stream: `stream.subscribe(notifyOnEvents(notifier))`. */
export function notifyOnEvents(notifier: Notifier): (event: DomainEvent) => void {
  return (event) => {
    const notification = notificationFor(event);
    if (notification) notifier.notify(notification);
  };
}
