/**
 * The variants of bench/ablation.ts: each is the shipped sources with one edit, found by its
 * anchor text (`find`). test/unit/bench/ablation-variants.test.ts checks that every anchor is
 * still in the sources, once, so a refactor that moves a line breaks the test, not a run of the
 * tool an hour later.
 */
const SERVICE = "src/platform/background-service.ts";

export interface Edit {
  file: string;
  find: string;
  replace: string;
}

export const VARIANTS: Record<string, Edit[]> = {
  "no-storage": [
    { file: SERVICE, find: "set: (items) => chrome.storage.session.set(items),", replace: "set: () => Promise.resolve()," },
    { file: SERVICE, find: "remove: (keys) => chrome.storage.session.remove(keys),", replace: "remove: () => Promise.resolve()," },
  ],
  "no-diagnosis": [
    {
      file: SERVICE,
      find: "      diagnosis = diagnose(exchange);",
      replace: '      diagnosis = { verdict: "pending", explanation: "", warnings: [], cachedPreflight: false, credentials: "unknown", credentialsInferred: true, browser };',
    },
  ],
  "assemble-only": [
    {
      file: SERVICE,
      find: "    for (const exchange of changed) record(exchange, canDeferWrite(event, exchange, browser, auxChanged));",
      replace: "    void changed;\n    void auxChanged;",
    },
  ],
  "no-log-writes": [{ file: "src/platform/write-queue.ts", find: "        count += gatherEntry(pending, key, items, removals);", replace: "        void gatherEntry;" }],
  "events-only": [{ file: SERVICE, find: "    if (ready) {\n      held.push(event);", replace: "    if (ready) {\n      if (event) return;\n      held.push(event);" }],
};
