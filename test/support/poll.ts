/**
 * Polling for state the extension reaches a little later (the badge follows the log within
 * BADGE_DELAY_MS, badge.ts). Returns the last value read, so that the caller's assertion fails
 * with what was seen when the state never came.
 */
export async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}
