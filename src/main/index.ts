import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session, shell, Tray } from 'electron';
import { startDesktopApp } from './desktop-app';

/**
 * Electron main entry (bundled by electron-vite to out/main/index.js). The only file in main/ with value imports
 * from 'electron'; everything it wires is in desktop-app.ts and the small modules next to it.
 */
startDesktopApp(
  { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session, shell, Tray },
  { argv: process.argv, env: process.env, platform: process.platform, resourcesPath: process.resourcesPath },
);
