/**
 * The fix CORS Lens proposes must fix: on generated captures (captures.ts, the browser going on
 * only where its checks pass), every exchange blocked by a rule that headers can satisfy gets a
 * fix whose headers, put on the server's answers in place of its Access-Control-* headers (the
 * preflight's on the OPTIONS answer, the response's on every response of the exchange), pass
 * every check the engine makes, in the request's own credentials mode — the one the page used,
 * which a request stopped at its preflight does not show, so the fix's lines for a page that
 * sends credentials (Fix.ifCredentials) are added where the page did; an OPTIONS answered
 * with an error status is answered 2xx, and a credentialed request whose Origin a redirect
 * made `null` calls the final URL directly, as the fix then says in words.
 */
import fc from "fast-check";
import { diagnose } from "../../../src/cors/diagnose";
import { walkExchange } from "../../../src/cors/evaluate";
import { buildFix } from "../../../src/cors/fix";
import { headerValue } from "../../../src/cors/headers";
import type { BrowserKind, Exchange, Header, HttpResponse } from "../../../src/cors/model";
import { capture, PAGE, plan } from "./captures";

const RUNS = 300;

/** an OPTIONS answered with an error status: the fix says to answer it 2xx, in words */
const okStatus = (response: HttpResponse): HttpResponse => (response.status >= 200 && response.status < 300 ? response : { ...response, status: 204 });

const withFix = (response: HttpResponse | undefined, fix: Header[]): HttpResponse | undefined =>
  response && { ...response, headers: [...response.headers.filter((h) => !/^access-control-|^vary$/i.test(h.name)), ...fix] };

test(`${RUNS} generated captures: every blocked exchange a header can fix passes the engine's checks with the proposed headers`, () => {
  let fixed = 0;
  fc.assert(
    fc.property(fc.array(plan, { minLength: 1, maxLength: 4 }), fc.constantFrom<BrowserKind>("chromium", "firefox"), (plans, browser) => {
      // the page's credentials mode by URL (a realistic capture puts request i at its plan's URL
      // with n=i added: captures.ts, interleave)
      const modes = new Map(plans.map((p, i) => [`${p.url}${p.url.includes("?") ? "&" : "?"}n=${i}`, p.cookie]));
      for (const exchange of capture(plans, [], browser, true)) {
        const diagnosis = diagnose(exchange);
        if (diagnosis.verdict !== "blocked") continue;
        const fix = buildFix({ exchange, diagnosis });
        if (fix.preflight.length === 0 && fix.response.length === 0) continue;
        const include = modes.get(exchange.url) ?? headerValue(exchange.hops[0]?.requestHeaders ?? null, "cookie") !== null;
        const extra = include ? (fix.ifCredentials ?? []) : [];
        const patched: Exchange = {
          ...exchange,
          hops: exchange.hops.map((hop) => ({
            ...hop,
            ...(hop.response ? { response: withFix(hop.response, [...fix.response, ...extra]) } : {}),
            ...(hop.preflight ? { preflight: { ...hop.preflight, ...(hop.preflight.response ? { response: okStatus(withFix(hop.preflight.response, [...fix.preflight, ...extra]) as HttpResponse) } : {}) } } : {}),
          })),
        };
        if (exchange.hops.some((h) => h.preflight?.response && (h.preflight.response.status < 200 || h.preflight.response.status > 299))) {
          expect([fix.summary, ...fix.notes].join(" ")).toMatch(/\b(204|2xx|200)\b/);
        }
        // a credentialed request whose origin a redirect turned into `null` cannot be allowed
        // (never `null`, never `*`): the fix is to call the final URL directly, with its headers
        const direct = diagnosis.failure?.id === "redirect-origin-null" && include;
        if (direct) expect(fix.summary).toMatch(/directly|final URL/i);
        const last = patched.hops[patched.hops.length - 1];
        const called: Exchange = direct && last ? { ...patched, url: last.url, hops: [{ ...last, requestHeaders: (last.requestHeaders ?? []).map((h) => (h.name.toLowerCase() === "origin" ? { name: h.name, value: PAGE } : h)) }] } : patched;
        const walk = walkExchange(called, PAGE, include, browser);
        expect({ id: diagnosis.failure?.id, fix: [...fix.preflight, ...fix.response], finding: walk.finding?.id ?? null }).toEqual({
          id: diagnosis.failure?.id,
          fix: [...fix.preflight, ...fix.response],
          finding: null,
        });
        fixed++;
      }
    }),
    { numRuns: RUNS },
  );
  expect(fixed).toBeGreaterThan(RUNS / 4);
});
