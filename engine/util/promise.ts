/** True for a Promise or any thenable, without awaiting sync values. */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Applies `next` to a value that may or may not be a Promise. Sync values stay
 * sync: the run loop only pays for a microtask when an evaluation was async.
 */
export function andThen<T, U>(
  value: T | PromiseLike<T>,
  next: (resolved: T) => U | PromiseLike<U>,
): U | PromiseLike<U> {
  return isPromiseLike<T>(value) ? value.then(next) : next(value);
}
