/**
 * What a write costs in `storage.session` and in IndexedDB, written the way the log store writes
 * (src/platform/log-store.ts): one call in flight at a time, each with a few keys of ~530
 * characters. `npx tsx bench/storage-backends.ts [calls] [rounds]` loads the built extension
 * (dist/chrome), runs the writes in its service worker, alternating the two stores each round,
 * and prints per round the wall time and the CPU time of the browser process (where both
 * stores live) and of the extension's process. A tool for a design question, not part of
 * `npm run bench`.
 */
import { launchChromiumWithExtension } from "../test/support/chromium";
import { cpuByKind } from "./proc-cpu";

const KEYS_PER_CALL = 6;

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 600);
  const rounds = Number(process.argv[3] ?? 4);
  const h = await launchChromiumWithExtension({});
  try {
    const worker = await h.worker();
    await worker.evaluate(`(async () => {
      globalThis.__benchDb = await new Promise((resolve, reject) => {
        const open = indexedDB.open("cors-lens-bench", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("kv");
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    })()`);
    const pid = h.browser.process()?.pid;
    const run = async (store: "session" | "idb") => {
      const before = cpuByKind(pid);
      const started = Date.now();
      await worker.evaluate(`(async () => {
        const part = "x".repeat(530);
        for (let i = 0; i < ${calls}; i++) {
          const items = {};
          for (let k = 0; k < ${KEYS_PER_CALL}; k++) items["e:1:r" + (i % 300) + "/" + k] = part + i;
          if (${JSON.stringify(store)} === "session") await chrome.storage.session.set(items);
          else
            await new Promise((resolve, reject) => {
              const tx = __benchDb.transaction("kv", "readwrite", { durability: "relaxed" });
              for (const [key, value] of Object.entries(items)) tx.objectStore("kv").put(value, key);
              tx.oncomplete = resolve;
              tx.onerror = () => reject(tx.error);
            });
        }
      })()`);
      const after = cpuByKind(pid);
      const cpu = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
      return { store, wallMs: Date.now() - started, browserCpuMs: cpu("browser"), extensionCpuMs: cpu("extension") };
    };
    console.log(`${calls} writes of ${KEYS_PER_CALL} keys, one in flight at a time`);
    for (let r = 0; r < rounds; r++) {
      for (const store of r % 2 === 0 ? (["session", "idb"] as const) : (["idb", "session"] as const)) console.log(JSON.stringify(await run(store)));
    }
  } finally {
    await h.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
