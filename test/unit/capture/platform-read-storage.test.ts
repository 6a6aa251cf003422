/** Reading a whole storage area in chunks of keys (src/platform/read-storage.ts). */
import { readAllInChunks } from "../../../src/platform/read-storage";

function fakeArea(items: Record<string, unknown>, withKeys = true) {
  const calls: (string[] | null)[] = [];
  return {
    calls,
    get: async (keys: string[] | null) => {
      calls.push(keys);
      return Object.fromEntries(Object.entries(items).filter(([k]) => keys === null || keys.includes(k)));
    },
    ...(withKeys ? { getKeys: async () => Object.keys(items) } : {}),
  };
}

const items = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`e:1:${i}`, `v${i}`]));

test("every item, read a chunk of keys at a time", async () => {
  const area = fakeArea(items);
  expect(await readAllInChunks(area, 3)).toEqual(items);
  expect(area.calls.map((keys) => keys?.length)).toEqual([3, 3, 1]);
});

test("a key removed between listing and reading is left out", async () => {
  const area = fakeArea(items);
  const keys = Object.keys(items);
  area.getKeys = async () => [...keys, "gone"];
  expect(await readAllInChunks(area, 4)).toEqual(items);
});

test("an area without getKeys is read at once", async () => {
  const area = fakeArea(items, false);
  expect(await readAllInChunks(area, 3)).toEqual(items);
  expect(area.calls).toEqual([null]);
});
