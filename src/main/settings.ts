import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * Desktop-only settings in <data-dir>/settings.json (headless mode ignores them: its API server is always on).
 * A bad value never stops the app: it falls back to its default and the problem is logged, and keys this
 * version does not know are kept, so an older build does not erase a newer build's settings.
 */

export const SETTINGS_FILE = 'settings.json';
export const DEFAULT_API_PORT = 8000;

const settingsSchema = z.looseObject({
  apiServer: z
    .object({
      /** The local HTTP API is off by default in the desktop app (DESIGN §6). */
      enabled: z.boolean({ error: 'must be true or false' }).default(false),
      port: z
        .number({ error: 'must be a port number such as 8000' })
        .int('must be a whole number')
        .min(1024, 'must be 1024 or higher (lower ports need administrator rights)')
        .max(65535, 'must be at most 65535')
        .default(DEFAULT_API_PORT),
    })
    .default({ enabled: false, port: DEFAULT_API_PORT }),
  notifications: z
    .object({ enabled: z.boolean({ error: 'must be true or false' }).default(true) })
    .default({ enabled: true }),
  /**
   * Closing the window keeps the app (and its running strategies) alive in the tray. Unset means the platform
   * default (see shouldCloseToTray).
   */
  closeToTray: z.boolean({ error: 'must be true or false' }).optional(),
});

export type DesktopSettings = z.output<typeof settingsSchema>;

export function defaultSettings(): DesktopSettings {
  return settingsSchema.parse({});
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deleteAt(target: Record<string, unknown>, path: readonly PropertyKey[]): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node)) return;
    node = node[key as string];
  }
  const last = path[path.length - 1];
  if (isPlainObject(node) && last !== undefined) delete node[last as string];
}

/** Validates parsed JSON: every invalid value is replaced by its default and reported. */
export function parseDesktopSettings(raw: unknown): { settings: DesktopSettings; problems: string[] } {
  if (!isPlainObject(raw)) {
    return { settings: defaultSettings(), problems: ['settings.json must hold a JSON object; using the default settings'] };
  }
  const candidate = structuredClone(raw);
  const problems: string[] = [];
  // Each round removes the offending values so their defaults apply; nesting is shallow, so a few rounds suffice.
  for (let round = 0; round < 10; round++) {
    const result = settingsSchema.safeParse(candidate);
    if (result.success) return { settings: result.data, problems };
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      problems.push(`settings.json: ${path || 'value'} ${issue.message}; using the default`);
      if (issue.path.length === 0) return { settings: defaultSettings(), problems };
      deleteAt(candidate, issue.path);
    }
  }
  return { settings: defaultSettings(), problems };
}

export function settingsFile(dataDir: string): string {
  return join(dataDir, SETTINGS_FILE);
}

/** A missing file means defaults. An unreadable one is copied to settings.json.invalid before it can be overwritten. */
export function loadSettings(file: string): { settings: DesktopSettings; problems: string[] } {
  if (!existsSync(file)) return { settings: defaultSettings(), problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    try {
      copyFileSync(file, `${file}.invalid`);
    } catch {
      // Keeping the copy is a courtesy; failing to make it must not stop the app.
    }
    return {
      settings: defaultSettings(),
      problems: [`settings.json is not valid JSON (${(error as Error).message}); using the default settings (the file was kept as settings.json.invalid)`],
    };
  }
  return parseDesktopSettings(raw);
}

/** Write-then-rename, so a crash mid-write never leaves a truncated settings file. */
export function saveSettings(file: string, settings: DesktopSettings): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/**
 * Windows and macOS always show the tray icon. Many Linux desktops (GNOME without the AppIndicator extension)
 * do not, and a hidden window with no tray would leave an invisible process, so Linux closes by default.
 */
export function shouldCloseToTray(settings: DesktopSettings, platform: NodeJS.Platform): boolean {
  return settings.closeToTray ?? platform !== 'linux';
}

/** `--port N` turns the API on for this run at N without touching settings.json; otherwise the settings decide. */
export function apiServerConfigFor(settings: DesktopSettings, portOverride: number | undefined): { enabled: boolean; port: number } {
  if (portOverride !== undefined) return { enabled: true, port: portOverride };
  return { enabled: settings.apiServer.enabled, port: settings.apiServer.port };
}

export function withApiServerEnabled(settings: DesktopSettings, enabled: boolean): DesktopSettings {
  return { ...settings, apiServer: { ...settings.apiServer, enabled } };
}
