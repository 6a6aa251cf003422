/**
 * What a `storage.session.set` call costs by its shape (`npx tsx bench/storage-calls.ts
 * [rounds]`): 400 calls, one in flight at a time and a 1 ms timer between them (as a burst's
 * writes come), of 12 keys × 333 characters (the log store's parts in a 500-fetch burst), 6 ×
 * 900 and 4 × 2,060 (the same exchanges in fewer, longer keys), each in a browser with the
 * built extension (dist/chrome), in its service worker. Prints the worker's time inside the
 * calls and the CPU time of the extension's process and of the browser process (where
 * storage.session lives), less that of the same loop without the calls. A tool for a design
 * question, not part of `npm run bench`.
 */
import { launchChromiumWithExtension } from "../test/support/chromium";
import { cpuByKind } from "./proc-cpu";

const CALLS = 400;
const SHAPES: [string, number, number][] = [
  ["12 keys x 333 characters (1.6 M)", 12, 333],
  ["6 keys x 900 characters (2.2 M)", 6, 900],
  ["4 keys x 2,060 characters (3.3 M)", 4, 2060],
];

const loop = (keys: number, chars: number, call: boolean) => `(async () => {
  let inCall = 0;
  for (let i = 0; i < ${CALLS}; i++) {
    const items = {};
    for (let k = 0; k < ${keys}; k++) items["e:1:r" + ((i * ${keys} + k) % 3000) + "/x"] = String(i) + "y".repeat(${chars}) + k;
    if (${call}) {
      const s = performance.now();
      const p = chrome.storage.session.set(items);
      inCall += performance.now() - s;
      await p;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  if (${call}) await chrome.storage.session.clear();
  return inCall;
})()`;

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const h = await launchChromiumWithExtension({});
  try {
    const worker = await h.worker();
    const pid = h.browser.process()?.pid;
    const measure = async (keys: number, chars: number, call: boolean) => {
      const before = cpuByKind(pid);
      const inCall = Number(await worker.evaluate(loop(keys, chars, call)));
      const after = cpuByKind(pid);
      return { inCall, ext: (after.extension ?? 0) - (before.extension ?? 0), browser: (after.browser ?? 0) - (before.browser ?? 0) };
    };
    const sums = new Map<string, { inCall: number; ext: number; browser: number }>();
    for (let r = 0; r <= rounds; r++) {
      for (const [name, keys, chars] of [...SHAPES, ["no call (the loop alone)", 12, 333] as [string, number, number]]) {
        const m = await measure(keys, chars, !name.startsWith("no call"));
        if (r === 0) continue; // warm-up
        const s = sums.get(name) ?? { inCall: 0, ext: 0, browser: 0 };
        sums.set(name, { inCall: s.inCall + m.inCall / rounds, ext: s.ext + m.ext / rounds, browser: s.browser + m.browser / rounds });
      }
    }
    const base = sums.get("no call (the loop alone)") ?? { inCall: 0, ext: 0, browser: 0 };
    for (const [name, s] of sums) {
      const extra = name.startsWith("no call") ? "" : `; per call ${((s.ext - base.ext) / CALLS).toFixed(2)} ms + ${((s.browser - base.browser) / CALLS).toFixed(2)} ms`;
      console.log(`${CALLS} calls of ${name}: in the call ${s.inCall.toFixed(0)} ms, CPU extension ${s.ext.toFixed(0)} ms, browser ${s.browser.toFixed(0)} ms${extra}`);
    }
  } finally {
    await h.close();
  }
}

await main();
