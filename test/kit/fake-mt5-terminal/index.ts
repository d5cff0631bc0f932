export { FakeMt5Terminal, DEFAULT_SYMBOLS, type FakeDeal, type FakePosition, type FakeSymbol, type FakeTerminalOptions } from './fake-mt5-terminal';

/** Polls `check` until it is truthy (returns its value) or the time is up. */
export async function until<T>(check: () => T | undefined | null | false, timeoutMs = 3_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
