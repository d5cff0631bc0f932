/** Desktop notifications: the tray in Electron, a Web Notification / toast in a browser, a log line headless. */
export type Severity = 'info' | 'warning' | 'critical';

export interface Notification {
  title: string;
  body: string;
  severity: Severity;
  /** Stable kind for filtering: 'fill', 'take_profit', 'risk_breach', 'task', ... */
  kind: string;
}

export interface Notifier {
  notify(notification: Notification): void;
}
