/** Time behind a port, so backtests and tests can run on simulated time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
