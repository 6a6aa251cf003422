/**
 * `npm start` end to end, the way CI meets it: `npm start -- --headless` with CI=true as a
 * child process. It must exit 0 and leave in demo-output/ a panel screenshot and the HAR the
 * panel's "Export HAR" button wrote, whose diagnoses are exactly the playground's expected
 * outcomes (demo/situations.ts); it must print where everything is and a per-origin summary;
 * and neither a normal end nor a Ctrl-C in the middle may leave a browser process, its
 * temporary profile or a playground server behind. A missing Chromium gives a message that
 * says how to install one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { methodOf, mismatch, SITUATIONS } from "../../demo/situations";
import { validateCorsLensHar } from "../../src/export/validate-corslens";
import { repoRoot } from "../support/paths";
import { harValidator } from "../unit/export/har-schema";

const ROOT = repoRoot();
const OUT = join(ROOT, "demo-output");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm start -- --headless` in its own process group (as a terminal would), so that a
 * Ctrl-C can be sent to the whole group; `onOutput` sees stdout as it grows. */
function npmStart(env: Record<string, string>, onOutput?: (stdout: string, child: ChildProcess) => void, timeoutMs = 150000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["start", "--", "--headless"], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", DISPLAY: "", ...env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      reject(new Error(`npm start did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput?.(stdout, child);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** What the run says about itself: the playground's origins, the browser's pid and profile. */
function facts(stdout: string) {
  const origins = /CORS playground: page (\S+)\/ {2}API (\S+) {2}CDN (\S+)/.exec(stdout);
  const pid = /\(.*pid (\d+)\) with CORS Lens/.exec(stdout);
  const profile = /temporary browser profile (\S+) \(removed on exit\)/.exec(stdout);
  if (!origins || !pid || !profile) throw new Error(`the output does not say where things are:\n${stdout}`);
  return { page: origins[1] as string, api: origins[2] as string, cdn: origins[3] as string, pid: Number(pid[1]), profile: profile[1] as string };
}

/** Live processes in the browser's process group (Puppeteer makes the browser a group leader,
 * so every renderer, GPU and utility process shares its group id) or naming its profile. Other
 * helpers' browsers run on this machine too: a broad `pgrep chromium` would see theirs. */
function leftovers(pgid: number, profile: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ");
      if (fields[0] === "Z") continue; // a zombie is already dead, only not yet reaped
      if (Number(fields[2]) === pgid || cmdline.includes(profile)) found.push(`${name}: ${cmdline.slice(0, 120)}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function refusesConnections(origin: string): Promise<boolean> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname === "localhost" ? "127.0.0.1" : hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

async function expectNothingLeft(stdout: string): Promise<void> {
  const { page, api, cdn, pid, profile } = facts(stdout);
  // Chromium's processes may take a moment to be reaped after the browser exits.
  const deadline = Date.now() + 5000;
  while (leftovers(pid, profile).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(leftovers(pid, profile)).toEqual([]);
  expect(existsSync(profile)).toBe(false);
  for (const origin of [page, api, cdn]) expect(await refusesConnections(origin)).toBe(true);
}

type HarEntry = {
  request: { method: string; url: string };
  _corsLens: { role: string; verdict?: string; failure?: { id: string }; warnings?: { id: string }[] };
};

describe("npm start -- --headless (CI=true)", () => {
  let run: Run;
  beforeAll(async () => {
    run = await npmStart({});
  }, 160000);

  test("exits 0 and says what it did and where the files are", () => {
    expect(run.stderr).not.toMatch(/\[cors-lens\]/);
    expect(run.code).toBe(0);
    const { page, api, cdn } = facts(run.stdout);
    expect(run.stdout).toContain("headless: --headless");
    expect(run.stdout).toContain('clicking "Run all" in the playground (12 situations)');
    expect(run.stdout).toMatch(/wrote demo-output\/panel\.png/);
    expect(run.stdout).toMatch(/wrote demo-output\/playground\.png/);
    expect(run.stdout).toMatch(/wrote demo-output\/cors-lens-127\.0\.0\.1_\d+-\d{8}-\d{6}\.har/);
    // the per-origin summary: the API's eleven situations, the CDN's one, all as expected
    expect(run.stdout).toContain(`${api}: 7 blocked, 4 allowed, 3 with warnings`);
    expect(run.stdout).toContain(`${cdn}: 0 blocked, 1 allowed, 0 with warnings`);
    expect(run.stdout).toMatch(/\u2713 blocked {2}DELETE \/legacy\/item +preflight-redirect/);
    expect(run.stdout).toContain(`as the playground expects: ${SITUATIONS.length} of ${SITUATIONS.length} situations`);
    expect(page).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test("demo-output/panel.png is a non-empty screenshot of the panel", () => {
    const png = readFileSync(join(OUT, "panel.png"));
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    // IHDR: width and height of the panel's viewport
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1400, 900]);
    expect(png.length).toBeGreaterThan(50000); // a blank 1400×900 PNG is a few KB
    expect(readFileSync(join(OUT, "playground.png")).length).toBeGreaterThan(20000);
  });

  test("the exported HAR is valid and diagnoses every situation as the playground expects", () => {
    const { page, api, cdn } = facts(run.stdout);
    const harFiles = readdirSync(OUT).filter((f) => f.endsWith(".har"));
    expect(harFiles).toHaveLength(1);
    const har = JSON.parse(readFileSync(join(OUT, harFiles[0] as string), "utf8")) as {
      log: { entries: HarEntry[]; _corsLens: { pageUrl: string; redacted: boolean } };
    };
    expect(harValidator()(har)).toEqual([]);
    expect(validateCorsLensHar(har)).toEqual([]);
    expect(har.log._corsLens.pageUrl).toBe(`${page}/`);
    expect(har.log._corsLens.redacted).toBe(true);

    const requests = har.log.entries.filter((e) => e._corsLens.role === "request");
    const origins = { api, cdn };
    const problems: string[] = [];
    for (const situation of SITUATIONS) {
      const url = `${origins[situation.target]}${situation.path}`;
      const matching = requests.filter((e) => e.request.url === url && e.request.method === methodOf(situation));
      if (matching.length !== 1) {
        problems.push(`${situation.id}: ${matching.length} request entries for ${methodOf(situation)} ${url}`);
        continue;
      }
      const c = (matching[0] as HarEntry)._corsLens;
      const problem = mismatch(situation, { verdict: c.verdict ?? "", failureId: c.failure?.id, warnings: (c.warnings ?? []).map((w) => w.id) });
      if (problem) problems.push(problem);
    }
    expect(problems).toEqual([]);
    // nothing else crossed origins: every other request entry is the page's own
    const crossOrigin = requests.filter((e) => !e.request.url.startsWith(`${page}/`));
    expect(crossOrigin).toHaveLength(SITUATIONS.length);
  });

  test("leaves no browser process, profile or server behind", async () => {
    await expectNothingLeft(run.stdout);
  });
});

test("Ctrl-C in the middle closes the browser, its profile and the servers", async () => {
  let sent = false;
  const run = await npmStart({}, (stdout, child) => {
    // Ctrl-C the way a terminal sends it: to the whole process group, during the click-through.
    if (!sent && stdout.includes('clicking "Run all"') && child.pid) {
      sent = true;
      process.kill(-child.pid, "SIGINT");
    }
  });
  expect(sent).toBe(true);
  expect(run.stdout).toContain("SIGINT: closing the browser and the playground servers");
  // npm dies of the signal itself; the script under it exits 130
  expect(run.signal === "SIGINT" || run.code === 130).toBe(true);
  expect(run.stderr).not.toMatch(/\[cors-lens\]/);
  await expectNothingLeft(run.stdout);
}, 160000);

test("without a Chromium it stops at once and says how to install one", async () => {
  const run = await npmStart({ CHROME_PATH: "/nonexistent/chromium" }, undefined, 60000);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain("CHROME_PATH=/nonexistent/chromium does not exist");
  expect(run.stderr).toContain("sudo apt-get install chromium");
  expect(run.stdout).not.toContain("launched");
});
