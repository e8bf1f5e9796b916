/**
 * Settles like `work`, unless `timeoutMs` passes first: then rejects with `onTimeout()`.
 * The work itself is not cancelled (Redis may still execute it); callers treat a
 * timeout as a failure of unknown outcome.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  onTimeout: () => Error,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    // Promise.race subscribes to `work`, so a late rejection is never unhandled.
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
