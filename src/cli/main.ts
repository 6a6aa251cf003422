/**
 * cors-lens CLI (Node only). `main(argv, io)` is the whole program, testable in-process with
 * injected output and HTTP; `run()` wires it to the real process (bin/cors-lens.mjs calls it).
 */
import { statSync } from "node:fs";
import { diagnose } from "../cors/diagnose";
import { buildFix } from "../cors/fix/index";
import type { BrowserKind, DiagnosedExchange, Header } from "../cors/model";
import { DEFAULT_MAX_ENTRIES, HarReadError, readHar } from "../export/har-reader";
import { CorsLensJsonError, looksLikeCorsLensJson, readCorsLensJson } from "../export/json-export";
import { validateCorsLensHar } from "../export/validate-corslens";
import { parseArgs } from "./args";
import { audit } from "./audit";
import { type Paint, paintFor, safe } from "./colors";
import { nodeSender, type Sender } from "./http";
import { type CliIo, EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, UsageError } from "./io";
import { LoadError, loadHarFile, MAX_FILE_BYTES, SCAN_ABOVE_BYTES } from "./load-har";
import { isRedirectMode, type ProbeRequest, probe, REDIRECT_MODES } from "./probe";
import { buildReport, renderReport } from "./report";
import { analyzeStreaming } from "./stream-analyze";

export const HELP = `cors-lens: why the browser blocked a cross-origin request, and how to fix the server

Usage:
  cors-lens analyze <file.har> [--json] [--origin <origin>] [--browser chromium|firefox]
      Diagnose every request of a HAR file (CORS Lens export, Chrome DevTools "Save all as HAR",
      Firefox network monitor, chrome-har) or of a CORS Lens "Export JSON" file.
      Report grouped by target origin.
      --origin    page origin to assume when the file does not say which origin made a request
      --browser   rules to apply (default: the browser that recorded the file, else chromium)
      --max-entries <n>  entries read at most (default ${DEFAULT_MAX_ENTRIES})

  cors-lens check <url> --origin <origin> [--method M] [--header "Name: value"]...
                  [--credentials] [--redirect follow|manual|error]
                  [--browser chromium|firefox|both] [--json] [--audit]
      Send the request as a browser on <origin> would (preflight included, redirects followed
      with the CORS check on every hop) and show each browser's verdict and the fix.
      --redirect  fetch's redirect mode (default follow): manual and error stop at a 3xx that
                  passes the CORS check, as the browsers do
      --audit     also probe with origins the server should not trust (a foreign site, null,
                  look-alikes of <origin>, the other scheme). Use it only on servers you are
                  responsible for.

  cors-lens --help | --version

Output: colours only on a terminal (NO_COLOR disables them); --json for machines.
Exit codes: 0 nothing blocked; 1 something blocked (check: or a network error);
            2 bad input (missing file, invalid JSON, not a HAR, bad arguments).
`;

export interface MainDeps {
  send?: Sender;
  /** analyze: files larger than this are streamed (default SCAN_ABOVE_BYTES) */
  streamAboveBytes?: number;
  /** analyze, streaming: entries of look-ahead (default: the reader's) */
  streamWindow?: number;
}

/** Size of a regular file, or null (the whole-file path then says what is wrong). */
function fileSize(path: string): number | null {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

function parseBrowser(value: string | undefined, allowBoth: boolean): BrowserKind[] | undefined {
  if (value === undefined) return undefined;
  if (value === "chromium" || value === "firefox") return [value];
  if (allowBoth && value === "both") return ["chromium", "firefox"];
  throw new UsageError(`--browser must be chromium, firefox${allowBoth ? " or both" : ""} (got ${value})`);
}

function parseOrigin(value: string): string {
  if (value === "null") return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--origin must be an origin like https://app.example (got ${value})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--origin must be http or https (got ${value})`);
  if (url.origin !== value.replace(/\/$/, "")) throw new UsageError(`--origin must be an origin, without path or query: ${url.origin}`);
  return url.origin;
}

function tryOrigin(value: string): string | null {
  try {
    return parseOrigin(value);
  } catch {
    return null;
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseHeader(text: string): Header {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`--header must look like "Name: value" (got ${JSON.stringify(text)})`);
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!TOKEN.test(name)) throw new UsageError(`invalid header name ${JSON.stringify(name)}`);
  if (/[\0\r\n]/.test(value)) throw new UsageError(`header ${name}: the value may not contain CR, LF or NUL`);
  return { name, value };
}

async function analyze(argv: string[], io: CliIo, paint: Paint, deps: MainDeps): Promise<number> {
  const args = parseArgs(argv, { values: ["origin", "browser", "max-entries"], switches: ["json"] });
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) throw new UsageError("analyze needs exactly one HAR file");
  const browser = parseBrowser(args.values.get("browser"), false)?.[0];
  const origin = args.values.get("origin");
  const maxRaw = args.values.get("max-entries");
  const maxEntries = maxRaw === undefined ? DEFAULT_MAX_ENTRIES : Number(maxRaw);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new UsageError("--max-entries must be a positive integer");
  const size = fileSize(file);
  // an invalid --origin is reported by the whole-file path, as always (only HAR files use it)
  const streamOrigin = origin === undefined ? undefined : tryOrigin(origin);
  if (size !== null && size > (deps.streamAboveBytes ?? SCAN_ABOVE_BYTES) && streamOrigin !== null) {
    const defaultOrigin = streamOrigin;
    // a big file is read in chunks, entry by entry; null: it has to be read whole after all
    const code = analyzeStreaming(
      file,
      size,
      { file, json: args.switches.has("json"), maxEntries, ...(browser ? { browser } : {}), ...(defaultOrigin ? { defaultOrigin } : {}), ...(deps.streamWindow ? { window: deps.streamWindow } : {}) },
      io,
      paint,
    );
    if (code !== null) return code;
    if (size > MAX_FILE_BYTES) {
      io.stderr(`cors-lens: ${safe(file)}: the file cannot be read in one pass (its entries are not in the order a browser writes them), and files above ${MAX_FILE_BYTES / 1048576} MB are not read whole\n`);
      return EXIT_BAD_INPUT;
    }
  }
  let loaded: ReturnType<typeof loadHarFile>;
  try {
    loaded = loadHarFile(file, maxEntries);
  } catch (e) {
    if (e instanceof LoadError) {
      // the parser's message quotes the file's bytes: never raw on the terminal
      io.stderr(`cors-lens: ${safe(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  let result: Pick<ReturnType<typeof readHar>, "exchanges" | "warnings" | "browser" | "source" | "pageUrl">;
  try {
    if (looksLikeCorsLensJson(loaded.json)) {
      // CORS Lens "Export JSON": the exchanges as captured, judged again by this engine
      const doc = readCorsLensJson(loaded.json);
      const rules = browser ?? doc.browser;
      result = { exchanges: doc.exchanges.map((d) => ({ ...d.exchange, browser: rules })), warnings: [], browser: rules, source: "cors-lens", pageUrl: doc.pageUrl };
    } else {
      result = readHar(loaded.json, { ...(browser ? { browser } : {}), maxEntries, ...(origin ? { defaultOrigin: parseOrigin(origin) } : {}) });
    }
  } catch (e) {
    if (e instanceof HarReadError || e instanceof CorsLensJsonError) {
      io.stderr(`cors-lens: ${safe(file)}: ${safe(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  const warnings = [...loaded.warnings, ...result.warnings];
  if (result.source === "cors-lens" && !looksLikeCorsLensJson(loaded.json)) {
    // the file's own _corsLens fields are not used for verdicts (the engine re-judges), but a
    // file that breaks the format may have been edited or truncated: say so
    const problems = validateCorsLensHar(loaded.json);
    if (problems.length > 0) warnings.push(`the file does not follow the CORS Lens HAR format (${problems.length} problems, first: ${problems[0]})`);
  }
  const entries: DiagnosedExchange[] = result.exchanges.map((exchange) => ({ exchange, diagnosis: diagnose(exchange) }));
  const report = buildReport(entries);
  if (args.switches.has("json")) {
    io.stdout(`${JSON.stringify({ file, browser: result.browser, source: result.source, pageUrl: result.pageUrl, exchanges: entries.length, warnings, ...report }, null, 2)}\n`);
  } else {
    const title = `CORS Lens: ${file} (${result.browser === "firefox" ? "Firefox" : "Chromium"} rules, ${entries.length} requests, from ${result.source})`;
    for (const w of warnings) io.stderr(`cors-lens: warning: ${safe(w)}\n`);
    io.stdout(renderReport(report, title, paint));
  }
  return report.counts.blocked > 0 ? EXIT_BLOCKED : EXIT_OK;
}

function renderCheck(req: ProbeRequest, results: DiagnosedExchange[], paint: Paint): string {
  const lines = [paint.bold(`CORS check: ${safe(req.method)} ${safe(req.url)} from ${safe(req.origin)}${req.credentials ? " with credentials" : ""}${req.redirect && req.redirect !== "follow" ? `, redirect: ${req.redirect}` : ""}`)];
  for (const r of results) {
    const { exchange, diagnosis } = r;
    const name = exchange.browser === "firefox" ? "Firefox" : "Chromium";
    lines.push("", paint.bold(`${name}:`));
    for (const hop of exchange.hops) {
      if (hop.preflight) {
        const acrm = hop.preflight.requestHeaders?.find((h) => h.name === "Access-Control-Request-Method")?.value ?? "";
        const acrh = hop.preflight.requestHeaders?.find((h) => h.name === "Access-Control-Request-Headers")?.value;
        const status = hop.preflight.response ? String(hop.preflight.response.status) : (hop.preflight.error ?? "no answer");
        lines.push(`  preflight OPTIONS ${safe(hop.url)} (method ${safe(acrm)}${acrh ? `, headers ${safe(acrh)}` : ""}) → ${safe(status)}`);
      }
      if (hop.requestHeaders) lines.push(`  ${safe(hop.method)} ${safe(hop.url)} → ${hop.response ? `${hop.response.status}${hop.redirectUrl ? ` → ${safe(hop.redirectUrl)}` : ""}` : "no answer"}`);
    }
    const v = diagnosis.verdict;
    const verdict = v === "allowed" ? paint.green("ALLOWED") : v === "blocked" ? paint.red("BLOCKED") : v === "network-error" ? paint.yellow("NETWORK ERROR") : v.toUpperCase();
    lines.push(`  ${verdict}${diagnosis.failure ? `  ${diagnosis.failure.id} (${diagnosis.failure.phase})` : ""}`);
    lines.push(`  ${safe(diagnosis.explanation)}`);
    if (diagnosis.failure?.browserMessage) lines.push(`  ${paint.dim(`browser says: ${safe(diagnosis.failure.browserMessage)}`)}`);
    for (const w of diagnosis.warnings) lines.push(`  ${paint.yellow("⚠")} ${w.id}: ${safe(w.text)}`);
    if (v === "blocked" || v === "network-error") {
      const fix = buildFix(r);
      lines.push(`  ${paint.green("Fix:")} ${safe(fix.summary)}`);
      if (fix.preflight.length > 0) lines.push("    on the OPTIONS (preflight) response:", ...fix.preflight.map((h) => `      ${safe(h.name)}: ${safe(h.value)}`));
      if (fix.response.length > 0) lines.push("    on the actual response:", ...fix.response.map((h) => `      ${safe(h.name)}: ${safe(h.value)}`));
      if (fix.ifCredentials) lines.push("    on both, if the page sends credentials:", ...fix.ifCredentials.map((h) => `      ${safe(h.name)}: ${safe(h.value)}`));
    }
  }
  return `${lines.join("\n")}\n`;
}

async function check(argv: string[], io: CliIo, paint: Paint, send: Sender): Promise<number> {
  const args = parseArgs(argv, { values: ["origin", "method", "browser", "redirect"], repeatable: ["header"], switches: ["credentials", "json", "audit"] });
  const url = args.positionals[0];
  if (!url || args.positionals.length > 1) throw new UsageError("check needs exactly one URL");
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new UsageError(`the URL must be http or https (got ${url})`);
  const originRaw = args.values.get("origin");
  if (!originRaw) throw new UsageError("check needs --origin <origin> (the page's origin)");
  const method = args.values.get("method") ?? "GET";
  if (!TOKEN.test(method)) throw new UsageError(`invalid method ${JSON.stringify(method)}`);
  const redirect = args.values.get("redirect") ?? "follow";
  if (!isRedirectMode(redirect)) throw new UsageError(`--redirect must be one of ${REDIRECT_MODES.join(", ")} (got ${redirect})`);
  const req: ProbeRequest = {
    url,
    origin: parseOrigin(originRaw),
    method,
    headers: (args.lists.get("header") ?? []).map(parseHeader),
    credentials: args.switches.has("credentials"),
    redirect,
  };
  const browsers = parseBrowser(args.values.get("browser"), true) ?? ["chromium", "firefox"];
  const results: DiagnosedExchange[] = [];
  for (const browser of browsers) results.push(await probe(req, browser, send));
  const findings = args.switches.has("audit") ? await audit(req, send) : null;
  if (args.switches.has("json")) {
    const out = {
      request: req,
      results: results.map((r) => ({
        browser: r.exchange.browser,
        verdict: r.diagnosis.verdict,
        failure: r.diagnosis.failure ?? null,
        explanation: r.diagnosis.explanation,
        warnings: r.diagnosis.warnings,
        fix: r.diagnosis.verdict === "blocked" || r.diagnosis.verdict === "network-error" ? buildFix(r) : null,
        exchange: r.exchange,
      })),
      ...(findings ? { audit: findings } : {}),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    io.stdout(renderCheck(req, results, paint));
    if (findings) {
      const lines = ["", paint.bold("Audit (only for servers you are responsible for):")];
      for (const f of findings) {
        const sev = f.severity === "high" ? paint.red("HIGH") : f.severity === "medium" ? paint.yellow("MEDIUM") : f.severity === "low" ? "low" : paint.green("ok");
        lines.push(`  ${sev.padEnd(6)} ${f.label}: ${safe(f.origin)}: ${f.note}${f.acao !== null ? ` (Access-Control-Allow-Origin: ${safe(f.acao)}${f.acac ? `, Access-Control-Allow-Credentials: ${safe(f.acac)}` : ""})` : ""}`);
      }
      io.stdout(`${lines.join("\n")}\n`);
    }
  }
  const failed = results.some((r) => r.diagnosis.verdict === "blocked" || r.diagnosis.verdict === "network-error");
  return failed ? EXIT_BLOCKED : EXIT_OK;
}

export async function main(argv: string[], io: CliIo, deps: MainDeps = {}): Promise<number> {
  const paint = paintFor(io);
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout(HELP);
      return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (command === "--version" || command === "-V") {
      io.stdout(`cors-lens ${__VERSION__}\n`);
      return EXIT_OK;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (command === "analyze") return await analyze(rest, io, paint, deps);
    if (command === "check") return await check(rest, io, paint, deps.send ?? nodeSender);
    throw new UsageError(`unknown command ${command}`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`cors-lens: ${safe(e.message)}\nRun cors-lens --help for usage.\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

/** Entry for bin/cors-lens.mjs: the real process. */
export async function run(argv: string[] = process.argv.slice(2)): Promise<number> {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  };
  return main(argv, io);
}
