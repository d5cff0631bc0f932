import { EVENT_SOCKET_PATH, eventSocketMessage, type DomainEventMessage, type DomainEventType, type LivePulse } from '../../../shared/contract/events';
import { findDesktopBridge } from './ipc-transport';

/**
 * The one subscription to the engine's domain events for the whole window: IPC push inside Electron, the local
 * server's WebSocket in a browser. Stores subscribe here and refetch what an event says changed; nothing polls.
 * The socket's own state is the connection state the status bar shows. After a reconnect the server replays what
 * was missed since the last id seen, or says "resync" and every subscriber refetches.
 */

export type StreamState = 'connecting' | 'connected' | 'disconnected';

type EventListener = (event: DomainEventMessage) => void;
type Listener = () => void;

const eventListeners = new Set<EventListener>();
const pulseListeners = new Set<(pulse: LivePulse) => void>();
const resyncListeners = new Set<Listener>();
const stateListeners = new Set<(state: StreamState) => void>();
let state: StreamState = 'connecting';
let started = false;
let lastId = 0;

/** Subscribes to domain events (all, or only the given types); returns the function that unsubscribes. */
export function onDomainEvent(listener: EventListener, types?: readonly DomainEventType[]): () => void {
  const wanted = types ? new Set<string>(types) : undefined;
  const wrapped: EventListener = wanted ? (event) => wanted.has(event.type) && listener(event) : listener;
  eventListeners.add(wrapped);
  return () => eventListeners.delete(wrapped);
}

/** Subscribes to pulses (a symbol's market stepped, a job progressed): refetch what moved; returns the unsubscribe. */
export function onPulse(listener: (pulse: LivePulse) => void): () => void {
  pulseListeners.add(listener);
  return () => pulseListeners.delete(listener);
}

function dispatchPulse(pulse: LivePulse): void {
  for (const listener of [...pulseListeners]) {
    try {
      listener(pulse);
    } catch (error) {
      console.error('a pulse listener failed', error);
    }
  }
}

/** Called when events may have been missed (a reconnect after too long, a reload): refetch everything shown. */
export function onResync(listener: Listener): () => void {
  resyncListeners.add(listener);
  return () => resyncListeners.delete(listener);
}

export function onStreamState(listener: (state: StreamState) => void): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export function streamState(): StreamState {
  return state;
}

/** The newest event id this window has seen (0 before the first). */
export function lastSeenEventId(): number {
  return lastId;
}

function setState(next: StreamState): void {
  if (next === state) return;
  state = next;
  stateListeners.forEach((listener) => listener(next));
}

function dispatch(event: DomainEventMessage): void {
  if (event.id <= lastId) return; // a replay overlapping what arrived live
  lastId = event.id;
  for (const listener of [...eventListeners]) {
    try {
      listener(event);
    } catch (error) {
      console.error('an event listener failed', error);
    }
  }
}

function resync(): void {
  for (const listener of [...resyncListeners]) listener();
}

/** Starts the stream once per window (later calls do nothing). */
export function startEventStream(): void {
  if (started) return;
  started = true;
  const bridge = findDesktopBridge();
  if (bridge) {
    bridge.on('domain-event', (event) => dispatch(event));
    bridge.on('live-pulse', (pulse) => dispatchPulse(pulse));
    setState('connected');
    return;
  }
  connectSocket(0);
}

const RETRY_MS = [250, 500, 1_000, 2_000, 4_000];

function connectSocket(attempt: number): void {
  setState(attempt === 0 ? 'connecting' : 'disconnected');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${EVENT_SOCKET_PATH}`;
  const socket = new WebSocket(url);
  let ready = false;
  socket.onopen = () => socket.send(JSON.stringify({ kind: 'hello', ...(lastId > 0 ? { after_id: lastId } : {}) }));
  socket.onmessage = (message) => {
    let parsed: ReturnType<typeof eventSocketMessage.safeParse>;
    try {
      parsed = eventSocketMessage.safeParse(JSON.parse(String(message.data)));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const data = parsed.data;
    if (data.kind === 'event') dispatch(data.event);
    else if (data.kind === 'pulse') dispatchPulse(data.pulse);
    else if (data.kind === 'resync') {
      lastId = data.last_id;
      resync();
    } else {
      const reconnected = attempt > 0;
      ready = true;
      if (lastId === 0) lastId = data.last_id;
      setState('connected');
      // The server replayed what was missed; screens still refetch once, since a request may have failed meanwhile.
      if (reconnected) resync();
    }
  };
  socket.onclose = () => {
    setState('disconnected');
    const next = ready ? 1 : attempt + 1;
    setTimeout(() => connectSocket(next), RETRY_MS[Math.min(next - 1, RETRY_MS.length - 1)]);
  };
}
