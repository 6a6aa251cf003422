/**
 * `npm run package` writes the store zips, and each one is a working extension: unpacked, the
 * Chrome zip loads in Chromium and the Firefox zip in Firefox, and each diagnoses a blocked
 * request from the CORS playground. (A zip that lints clean but misses a file would pass
 * every other test, which use dist/ directly.)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Playground, startPlayground } from "../../demo/playground";
import { type ExtHarness, launchChromiumWithExtension } from "../support/chromium";
import { launchFirefoxWithExtension } from "../support/firefox";
import { repoRoot } from "../support/paths";

const ROOT = repoRoot();
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const zip = (name: string) => join(ROOT, "web-ext-artifacts", `cors-lens-${name}-${version}.zip`);

let output = "";
let playground: Playground;
let scratch: string;

beforeAll(async () => {
  output = execFileSync("npm", ["run", "package"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  playground = await startPlayground();
  scratch = mkdtempSync(join(tmpdir(), "cors-lens-package-"));
}, 120000);

afterAll(async () => {
  await playground?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function unpack(name: string): string {
  const dir = join(scratch, name);
  execFileSync("unzip", ["-q", zip(name), "-d", dir]);
  return dir;
}

/** The playground's first situation (no Access-Control-Allow-Origin), fetched from its page. */
async function fetchMissingAcao(page: { evaluate<T>(fn: (url: string) => Promise<T>, url: string): Promise<T> }): Promise<string> {
  return page.evaluate((url) => fetch(url).then(() => "readable", () => "failed"), `${playground.apiOrigin}/missing-acao`);
}

test("writes the Chrome, Firefox and source zips and says where they are", () => {
  for (const name of ["chrome", "firefox", "source"]) expect(existsSync(zip(name))).toBe(true);
  expect(output).toMatch(/web-ext lint: 0 errors, \d+ warnings \(all \d+ allowlisted/);
  expect(output).toContain(`Chrome Web Store:  web-ext-artifacts/cors-lens-chrome-${version}.zip`);
  expect(output).toContain(`Firefox Add-ons:   web-ext-artifacts/cors-lens-firefox-${version}.zip`);
  const sources = execFileSync("unzip", ["-Z1", zip("source")], { encoding: "utf8" }).split("\n");
  for (const file of ["package.json", "package-lock.json", "build.mjs", "manifest.json", "src/entrypoints/background.ts"]) {
    expect(sources).toContain(`cors-lens-${version}/${file}`);
  }
});

/** Unpacks the named zip, loads it with `launch`, and checks it diagnoses the playground's missing ACAO. */
async function expectZipDiagnoses(name: string, launch: (dir: string) => Promise<Pick<ExtHarness, "newPage" | "tabIdOf" | "waitForExchanges" | "close">>): Promise<void> {
  const h = await launch(unpack(name));
  try {
    const page = await h.newPage(playground.pageUrl);
    const tabId = await h.tabIdOf(page);
    expect(await fetchMissingAcao(page)).toBe("failed");
    const entries = await h.waitForExchanges(tabId, (es) => es.some((e) => e.exchange.url.endsWith("/missing-acao") && e.diagnosis.verdict !== "pending"));
    const entry = entries.find((e) => e.exchange.url.endsWith("/missing-acao"));
    expect([entry?.diagnosis.verdict, entry?.diagnosis.failure?.id]).toEqual(["blocked", "acao-missing"]);
  } finally {
    await h.close();
  }
}

test("the Chrome zip, unpacked, loads in Chromium and diagnoses a blocked request", async () => {
  await expectZipDiagnoses("chrome", (dir) => launchChromiumWithExtension({ extensionPath: dir }));
}, 90000);

test("the Firefox zip, unpacked, loads in Firefox and diagnoses a blocked request", async () => {
  await expectZipDiagnoses("firefox", launchFirefoxWithExtension);
}, 120000);
