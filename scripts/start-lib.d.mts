// Types for start-lib.mjs (plain JavaScript so `npm start` runs without a TypeScript loader).

export type Env = Record<string, string | undefined>;

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  env?: Env;
  cwd?: string;
  timeoutMs?: number;
  onSlow?: () => void;
  slowAfterMs?: number;
}

export type Run = (command: string, args: string[], options?: RunOptions) => Promise<RunResult>;

export type Located = { binary: string; reason?: undefined; final?: undefined } | { binary?: undefined; reason: string; final?: boolean };

export type Detection = { usable: true; binary: string } | { usable: false; reason: string };

export const HEADLESS_NOTICE_START: string;
export const NATIVE_PROBE: string;
export function headlessNotice(reason: string): string;
export function splitStartArgs(argv: string[], env?: Env): { headless: boolean; forwarded: string[] };
export function displayProblem(platform: NodeJS.Platform, env: Env): string | undefined;
export function rootProblem(platform: NodeJS.Platform, uid: number | undefined): string | undefined;
export function electronPackageDir(root: string): string | undefined;
export function locateElectronBinary(
  electronDir: string | undefined,
  env?: Env,
  fs?: { existsSync(path: string): boolean; readFileSync(path: string, encoding: 'utf8'): string },
): Located;
export function lastErrorLine(text: string | undefined): string;
export const runCaptured: Run;
export function detectElectron(deps: {
  electronDir: string | undefined;
  env: Env;
  platform: NodeJS.Platform;
  /** process.getuid?.() */
  uid?: number | undefined;
  run: Run;
  locate?: (electronDir: string | undefined, env: Env) => Located;
  nodePath?: string;
  downloadTimeoutMs?: number | undefined;
  onDownloadSlow?: () => void;
}): Promise<Detection>;
export function electronLaunchEnv(env: Env): Env;
export function packageBin(root: string, packageName: string, binName?: string): string;
