/**
 * Background entry point (Chromium service worker, Firefox event page). Thin: all wiring is in
 * src/platform/background-service.ts. Everything is registered synchronously on load.
 */
import { startBackground } from "../platform/background-service";

export function main(): void {
  startBackground(__BROWSER__);
}

main();
