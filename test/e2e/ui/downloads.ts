/**
 * Downloads in the UI tests: a fresh folder that the browser saves into without asking, and
 * the HAR files that arrive there (the panel and popup download at once, no dialog).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import type { CDPSession } from "puppeteer";

/** Empties `dir` and has the browser save its downloads there. */
export async function downloadsInto(session: CDPSession, dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await session.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dir });
}

/** The `.har` files in `dir`, by name (names end with the time of the export). */
export function harFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".har")).sort() : [];
}

/** The `.har` files in `dir` once there are more than `known`, or those there after `timeoutMs`. */
export async function harFilesAfter(dir: string, known = 0, timeoutMs = 10000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = harFiles(dir);
    if (files.length > known || Date.now() > deadline) return files;
    await new Promise((r) => setTimeout(r, 100));
  }
}
