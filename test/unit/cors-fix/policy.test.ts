/** synthesizePolicy over a mixed set of exchanges to one server. */
import { synthesizePolicy } from "../../../src/cors/policy";
import { API, PAGE, entry, response } from "./fixtures";

const ADMIN = "https://admin.example";

const listItems = entry({
  id: "list",
  hops: [{ url: `${API}/items`, request: `Origin: ${PAGE}`, response: response(200, `Access-Control-Allow-Origin: ${PAGE}\nX-Total-Count: 12\nContent-Type: application/json`) }],
});

const putItem = (n: number) =>
  entry({
    id: `put${n}`,
    method: "PUT",
    hops: [
      {
        url: `${API}/items/${n}`,
        request: `Origin: ${PAGE}\nContent-Type: application/json`,
        preflightRequest: `Origin: ${PAGE}\nAccess-Control-Request-Method: PUT\nAccess-Control-Request-Headers: content-type`,
        preflightResponse: response(204, `Access-Control-Allow-Origin: ${PAGE}\nAccess-Control-Allow-Methods: GET, POST\nAccess-Control-Allow-Headers: Content-Type\nVary: Origin`),
      },
    ],
    failure: { id: "method-not-allowed", phase: "preflight" },
  });

const adminPatch = entry({
  id: "admin",
  page: ADMIN,
  method: "patch",
  credentials: "include",
  hops: [
    {
      url: `${API}/items/1`,
      preflightRequest: `Origin: ${ADMIN}\nAccess-Control-Request-Method: patch\nAccess-Control-Request-Headers: authorization,x-api-key`,
      preflightResponse: response(204, `Access-Control-Allow-Origin: ${PAGE}\nAccess-Control-Allow-Methods: GET, POST\nAccess-Control-Max-Age: 86400`),
    },
  ],
  failure: { id: "preflight-acao-mismatch", phase: "preflight" },
});

const viaOtherServer = entry({
  id: "redirected",
  hops: [
    { url: "http://files.localhost:5000/f", request: `Origin: ${PAGE}`, response: response(302, `Access-Control-Allow-Origin: *\nLocation: ${API}/blob`), redirectUrl: `${API}/blob` },
    { url: `${API}/blob`, request: "Origin: null", response: response(200, `Access-Control-Allow-Origin: ${PAGE}`) },
  ],
  failure: { id: "redirect-origin-null", phase: "redirect", hop: 1 },
});

const ignored = [
  entry({ id: "same", trafficClass: "same-origin", method: "DELETE", hops: [{ url: `${API}/x`, response: response(200) }], verdict: "not-cors", notCorsId: "non-cors-same-origin" }),
  entry({ id: "down", method: "POST", hops: [{ url: `${API}/y`, request: "X-Never: 1" }], verdict: "network-error", failure: { id: "non-cors-network-error", phase: "connect" } }),
  entry({ id: "other", method: "OPTIONS", hops: [{ url: "https://elsewhere.example/z", response: response(200) }] }),
];

describe("synthesizePolicy", () => {
  const report = synthesizePolicy([listItems, putItem(1), putItem(2), putItem(3), adminPatch, viaOtherServer, ...ignored], API);

  test("the minimal complete policy: origins seen, methods exactly as sent, headers lower-cased", () => {
    expect(report.exchangeCount).toBe(6);
    expect(report.policy).toEqual({
      allowOrigins: [PAGE, ADMIN],
      allowMethods: ["GET", "PUT", "patch"],
      allowHeaders: ["authorization", "content-type", "x-api-key"],
      allowCredentials: true,
      exposeHeaders: ["X-Total-Count"],
      maxAge: 600,
    });
  });

  test("null is never suggested: a warning says why", () => {
    expect(report.policy.allowOrigins).not.toContain("null");
    expect(report.warnings).toEqual([
      `1 request reached ${API} with Origin: null (after a cross-origin redirect or from a sandboxed page). null is not added to the policy, because any sandboxed page can send it: avoid the cross-origin redirect instead (or use * for public data requested without credentials).`,
    ]);
  });

  test("the current policy as observed", () => {
    expect(report.current).toEqual({
      allowOrigins: [PAGE],
      allowMethods: ["GET", "POST"],
      allowHeaders: ["content-type"],
      allowCredentials: false,
      maxAge: 86400,
    });
  });

  test("what the current policy lacks, in sentences with counts and origins", () => {
    expect(report.lacks).toEqual([
      `Access-Control-Expose-Headers lacks X-Total-Count (present on 1 response to requests from ${PAGE}; the page reads null)`,
      "Vary lacks Origin on 1 response whose Access-Control-Allow-Origin names the caller (shared caches may serve one origin's answer to another)",
      `Access-Control-Allow-Methods lacks PUT (sent by 3 requests from ${PAGE})`,
      "Access-Control-Max-Age is absent or invalid on 3 preflight responses (browsers then cache a preflight for only 5 s)",
      `Access-Control-Allow-Origin lacks ${ADMIN} (1 response to requests from ${ADMIN}; received "${PAGE}")`,
      `Access-Control-Allow-Methods lacks patch (sent by 1 request from ${ADMIN})`,
      `Access-Control-Allow-Headers lacks authorization (sent by 1 request from ${ADMIN})`,
      `Access-Control-Allow-Headers lacks x-api-key (sent by 1 request from ${ADMIN})`,
    ]);
  });

  test("snippets come from the same renderers as buildFix", () => {
    expect(report.snippets.map((s) => s.server)).toEqual(["express", "nginx", "apache", "spring", "django", "fastapi", "aspnet", "s3"]);
    const express = report.snippets[0]?.code ?? "";
    expect(express).toContain(`origin: ["${PAGE}", "${ADMIN}"]`);
    expect(express).toContain('methods: ["GET", "PUT", "patch"]');
    expect(report.snippets.find((s) => s.server === "s3")?.caveats.join(" ")).toContain("patch cannot be allowed on S3");
  });

  test("no matching traffic: empty policy, a warning, no snippets", () => {
    const empty = synthesizePolicy(ignored, API);
    expect(empty.exchangeCount).toBe(0);
    expect(empty.policy.allowOrigins).toEqual([]);
    expect(empty.lacks).toEqual([]);
    expect(empty.snippets).toEqual([]);
    expect(empty.warnings).toEqual([`No cross-origin request to ${API} that a CORS header could affect was observed.`]);
  });

  test("a policy that already lets everything pass lacks nothing", () => {
    const good = entry({
      method: "PUT",
      hops: [
        {
          url: `${API}/items/1`,
          preflightRequest: `Origin: ${PAGE}\nAccess-Control-Request-Method: PUT\nAccess-Control-Request-Headers: content-type`,
          preflightResponse: response(204, `Access-Control-Allow-Origin: ${PAGE}\nAccess-Control-Allow-Methods: PUT\nAccess-Control-Allow-Headers: content-type\nAccess-Control-Max-Age: 600\nVary: Origin`),
          response: response(200, `Access-Control-Allow-Origin: ${PAGE}\nVary: Accept, Origin`),
        },
      ],
    });
    const r = synthesizePolicy([good], API);
    expect(r.lacks).toEqual([]);
    expect(r.current).toEqual({ allowOrigins: [PAGE], allowMethods: ["PUT"], allowHeaders: ["content-type"], allowCredentials: false, maxAge: 600 });
  });
});
