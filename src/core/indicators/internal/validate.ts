/** Throws a RangeError unless `period` is a whole number of bars, at least `minimum`. */
export function assertPeriod(indicator: string, period: number, minimum = 1): void {
  if (!Number.isInteger(period) || period < minimum) {
    throw new RangeError(`${indicator}: period must be a whole number of bars, at least ${minimum} (got ${period})`);
  }
}

/** Throws a RangeError unless `value` is a finite number greater than zero. */
export function assertPositive(indicator: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${indicator}: ${name} must be a finite number greater than zero (got ${value})`);
  }
}
