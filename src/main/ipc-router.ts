import { invokeProcedure, type CallResult } from '../shared/contract/invoke';
import type { Handlers } from '../shared/contract/index';
import { IPC_INVOKE_CHANNEL } from '../shared/contract/window-api';

/**
 * The IPC transport of the contract: one `ipcMain.handle` channel carries every procedure call.
 * No Electron value imports here, so the router is tested in plain Node.
 */

export const IPC_CHANNEL = IPC_INVOKE_CHANNEL;

/** The part of Electron's IpcMainInvokeEvent the router needs. `senderFrame` is null once the frame is gone. */
export interface IpcInvokeEventLike {
  senderFrame: { url: string } | null;
}

export interface IpcInvokeHandlerOptions {
  /** True only for our own app pages: anything else loaded in a frame must not reach the engine. */
  isTrustedSender(url: string): boolean;
  /** Receives errors that are bugs (they reach the renderer as INTERNAL, without internals). */
  onUnexpected?(error: unknown, name: string): void;
}

const MAX_NAME_IN_MESSAGE = 80;

function describeName(name: unknown): string {
  if (typeof name !== 'string') return `a ${name === null ? 'null' : typeof name} value`;
  return name.length > MAX_NAME_IN_MESSAGE ? `"${name.slice(0, MAX_NAME_IN_MESSAGE)}…"` : `"${name}"`;
}

export function createIpcInvokeHandler(
  handlers: Handlers,
  options: IpcInvokeHandlerOptions,
): (event: IpcInvokeEventLike, name: unknown, input: unknown) => Promise<CallResult> {
  const onUnexpected = (error: unknown, name: string): void => {
    try {
      options.onUnexpected?.(error, name);
    } catch {
      // A failing logger must not turn a clean INTERNAL answer into a rejected IPC promise.
    }
  };

  return async (event, name, input) => {
    // Errors thrown across IPC reach the renderer mangled ("Error invoking remote method ..."), so every
    // path below resolves to a CallResult instead.
    try {
      const url = event.senderFrame?.url;
      if (typeof url !== 'string' || !options.isTrustedSender(url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This page is not allowed to call the Echo Workstation API' } };
      }
      if (typeof name !== 'string' || name.length > 200) {
        return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown operation ${describeName(name)}` } };
      }
      return await invokeProcedure(handlers, name, input, onUnexpected);
    } catch (error) {
      onUnexpected(error, typeof name === 'string' ? name : '(invalid name)');
      return { ok: false, error: { code: 'INTERNAL', message: 'Internal error; it was logged with details for a bug report' } };
    }
  };
}

/** Registers the handler on the one channel. Takes ipcMain as a parameter so tests can pass a fake. */
export function registerIpcRouter(
  ipcMain: { handle(channel: string, listener: (event: any, ...args: any[]) => unknown): void },
  handler: ReturnType<typeof createIpcInvokeHandler>,
): void {
  ipcMain.handle(IPC_CHANNEL, (event: IpcInvokeEventLike, name: unknown, input: unknown) => handler(event, name, input));
}
