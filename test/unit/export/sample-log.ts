/**
 * A hand-made tab log covering every entry shape of har-format.md: a redirected request,
 * a request never sent because its preflight failed, a blocked response carrying secrets,
 * and a request that reused a cached preflight. Diagnoses are written by hand so that these
 * tests do not depend on the engine.
 */
import type { DiagnosedExchange, Exchange } from "../../../src/cors/model";
import type { TabLog } from "../../../src/protocol";

const T = Date.UTC(2026, 10, 25, 16, 15, 2);
const PAGE = "http://127.0.0.1:3000";
const API = "http://localhost:4000";

const base = {
  browser: "chromium" as const,
  tabId: 7,
  frameId: 0,
  initiator: PAGE,
  type: "xmlhttprequest",
  trafficClass: "cross-origin" as const,
};

export const redirected: Exchange = {
  ...base,
  id: "cr-100",
  method: "GET",
  url: `${API}/old?session=s3cr3tvalue&page=2`,
  startTime: T,
  requestIds: ["100"],
  hops: [
    {
      url: `${API}/old?session=s3cr3tvalue&page=2`,
      method: "GET",
      requestHeaders: [{ name: "Origin", value: PAGE }, { name: "Accept", value: "*/*" }],
      startTime: T,
      preflightState: "not-needed",
      response: {
        status: 302,
        statusText: "Found",
        headers: [
          { name: "Location", value: `${API}/new?session=s3cr3tvalue&page=2` },
          { name: "Access-Control-Allow-Origin", value: "*" },
        ],
        time: T + 5,
      },
      redirectUrl: `${API}/new?session=s3cr3tvalue&page=2`,
    },
    {
      url: `${API}/new?session=s3cr3tvalue&page=2`,
      method: "GET",
      requestHeaders: [{ name: "Origin", value: PAGE }, { name: "Accept", value: "*/*" }],
      startTime: T + 6,
      preflightState: "not-needed",
      response: {
        status: 200,
        statusText: "OK",
        headers: [
          { name: "Access-Control-Allow-Origin", value: "*" },
          { name: "Content-Type", value: "application/json; charset=utf-8" },
          { name: "Content-Length", value: "27" },
        ],
        time: T + 10,
        ip: "127.0.0.1",
      },
    },
  ],
  outcome: { state: "completed", endTime: T + 12 },
};

export const neverSent: Exchange = {
  ...base,
  id: "cr-200",
  method: "PUT",
  url: `${API}/items/1`,
  startTime: T + 20,
  requestIds: ["200", "201"],
  hops: [
    {
      url: `${API}/items/1`,
      method: "PUT",
      requestHeaders: null,
      startTime: T + 20,
      preflightState: "sent",
      preflight: {
        requestId: "201",
        url: `${API}/items/1`,
        requestHeaders: [
          { name: "Origin", value: PAGE },
          { name: "Access-Control-Request-Method", value: "PUT" },
          { name: "Access-Control-Request-Headers", value: "content-type" },
        ],
        startTime: T + 21,
        endTime: T + 25,
        response: {
          status: 204,
          statusText: "No Content",
          headers: [
            { name: "Access-Control-Allow-Origin", value: PAGE },
            { name: "Access-Control-Allow-Methods", value: "GET, POST" },
            { name: "Access-Control-Allow-Headers", value: "content-type" },
          ],
          time: T + 24,
        },
      },
    },
  ],
  outcome: { state: "failed", error: "net::ERR_FAILED", endTime: T + 26 },
};

export const secretBlocked: Exchange = {
  ...base,
  id: "cr-300",
  method: "GET",
  url: `${API}/me?access_token=tok-abc-123&x=1&Key=k3y-value#frag`,
  startTime: T + 30,
  requestIds: ["300"],
  hops: [
    {
      url: `${API}/me?access_token=tok-abc-123&x=1&Key=k3y-value#frag`,
      method: "GET",
      requestHeaders: [
        { name: "Origin", value: PAGE },
        { name: "Authorization", value: "Bearer eyJhbGciOi.secret" },
        { name: "Cookie", value: "sid=cookie-secret-1; theme=dark" },
        { name: "Proxy-Authorization", value: "Basic cHJveHk6cGFzcw==" },
      ],
      startTime: T + 30,
      preflightState: "cached",
      response: {
        status: 200,
        statusText: "OK",
        headers: [
          { name: "Set-Cookie", value: "sid=new-cookie-secret; Path=/; HttpOnly; SameSite=Lax" },
          { name: "Content-Type", value: "application/json" },
        ],
        time: T + 35,
      },
    },
  ],
  outcome: { state: "failed", error: "net::ERR_FAILED", endTime: T + 36 },
};

export const diagnosed: DiagnosedExchange[] = [
  {
    exchange: redirected,
    diagnosis: {
      verdict: "allowed",
      explanation: `${PAGE} read ${API}/new?session=s3cr3tvalue&page=2 after one redirect.`,
      warnings: [],
      cachedPreflight: false,
      credentials: "omit-or-same-origin",
      credentialsInferred: true,
      browser: "chromium",
    },
  },
  {
    exchange: neverSent,
    diagnosis: {
      verdict: "blocked",
      failure: {
        id: "method-not-allowed",
        phase: "preflight",
        header: "access-control-allow-methods",
        received: "GET, POST",
        required: "PUT",
        confidence: "certain",
        browserMessage: `Access to XMLHttpRequest at '${API}/items/1' from origin '${PAGE}' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.`,
      },
      explanation: "The preflight did not list PUT in Access-Control-Allow-Methods.",
      warnings: [],
      cachedPreflight: false,
      credentials: "unknown",
      credentialsInferred: true,
      browser: "chromium",
    },
  },
  {
    exchange: secretBlocked,
    diagnosis: {
      verdict: "blocked",
      failure: {
        id: "acao-missing",
        phase: "response",
        header: "access-control-allow-origin",
        received: null,
        required: PAGE,
        confidence: "likely",
        candidates: ["acao-mismatch"],
        browserMessage: `Access to XMLHttpRequest at '${API}/me?access_token=tok-abc-123&x=1&Key=k3y-value#frag' from origin '${PAGE}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
      },
      explanation: "The request sent Authorization: Bearer eyJhbGciOi.secret and cookie sid=cookie-secret-1 but the response had no Access-Control-Allow-Origin.",
      warnings: [{ id: "warn-missing-vary-origin", text: "Set-Cookie sid=new-cookie-secret was sent without Vary: Origin." }],
      cachedPreflight: true,
      credentials: "include",
      credentialsInferred: false,
      browser: "chromium",
    },
  },
];

export const sampleLog: TabLog = {
  tabId: 7,
  pageUrl: `${PAGE}/app?code=oauth-code-xyz`,
  entries: diagnosed,
  dropped: 3,
};
