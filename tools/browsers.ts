/**
 * Browser discovery, shared by the tests, `npm start` and the benchmarks.
 *
 * Order: the environment variable (CHROME_PATH / FIREFOX_PATH), then the usual install
 * locations on Linux and macOS. On Debian or Ubuntu, as root, with nothing found, the
 * Debian package is installed with apt-get (after saying so), so that a fresh machine and
 * CI set up alike. Otherwise it stops with a message naming the command to run. It never
 * returns "no browser": callers must not skip tests for want of one.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export type BrowserName = "chromium" | "firefox";

interface BrowserSpec {
  envVar: string;
  debianPackage: string;
  candidates: string[];
}

const SPECS: Record<BrowserName, BrowserSpec> = {
  chromium: {
    envVar: "CHROME_PATH",
    debianPackage: "chromium",
    candidates: [
      "/usr/bin/chromium",
      "/usr/bin/chromium-browser",
      "/usr/bin/google-chrome",
      "/usr/bin/google-chrome-stable",
      "/snap/bin/chromium",
      "/Applications/Chromium.app/Contents/MacOS/Chromium",
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    ],
  },
  firefox: {
    envVar: "FIREFOX_PATH",
    debianPackage: "firefox-esr",
    candidates: [
      "/usr/bin/firefox-esr",
      "/usr/bin/firefox",
      "/snap/bin/firefox",
      "/Applications/Firefox.app/Contents/MacOS/firefox",
    ],
  },
};

function isDebianLike(): boolean {
  try {
    const osRelease = readFileSync("/etc/os-release", "utf8");
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(osRelease);
  } catch {
    return false;
  }
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function firstExisting(spec: BrowserSpec): string | undefined {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(`${spec.envVar}=${fromEnv} does not exist. Unset it or point it at a browser binary.`);
    }
    return fromEnv;
  }
  return spec.candidates.find((path) => existsSync(path));
}

const found = new Map<BrowserName, string>();

/** Returns the path of an installed browser, installing Debian's package when allowed. */
export function findBrowser(name: BrowserName, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const cached = found.get(name);
  if (cached) return cached;
  const spec = SPECS[name];
  let path = firstExisting(spec);
  if (!path) {
    const command = `apt-get update && apt-get install -y ${spec.debianPackage}`;
    if (!isDebianLike() || !isRoot()) {
      throw new Error(
        `No ${name} found. Install one (on Debian/Ubuntu: sudo ${command}) or set ${spec.envVar} to its path.`,
      );
    }
    log(`[cors-lens] No ${name} found; installing Debian's ${spec.debianPackage}: ${command}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", spec.debianPackage], { stdio: "inherit", env });
    path = firstExisting(spec);
    if (!path) throw new Error(`Installed ${spec.debianPackage} but found no ${name} binary; set ${spec.envVar}.`);
  }
  found.set(name, path);
  return path;
}

/** Chromium flags that work headless as root on a machine without outside network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
