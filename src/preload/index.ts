import { contextBridge, ipcRenderer } from 'electron';
import { createWindowApi } from './window-api';

/**
 * The sandboxed preload (bundled to one CommonJS file): exposes window.api and nothing else.
 * The page never sees ipcRenderer itself, only invoke(name, input) for contract names and on(event, cb)
 * for the push events listed in shared/contract/events.ts.
 */
contextBridge.exposeInMainWorld('api', createWindowApi(ipcRenderer));
