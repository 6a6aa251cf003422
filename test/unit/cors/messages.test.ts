/** Console text → id (cors-failures.md section 6). */
import { matchBrowserMessage } from "../../../src/cors/messages";

const FRAME = "Access to fetch at 'http://localhost:4000/api' from origin 'http://127.0.0.1:3000' has been blocked by CORS policy: ";
const PRE = "Response to preflight request doesn't pass access control check: ";

describe("Chromium", () => {
  test.each([
    [`${FRAME}No 'Access-Control-Allow-Origin' header is present on the requested resource.`, "acao-missing", undefined],
    [`${FRAME}No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.`, "acao-missing", undefined],
    [`${FRAME}${PRE}No 'Access-Control-Allow-Origin' header is present on the requested resource.`, "preflight-acao-missing", undefined],
    [`${FRAME}The 'Access-Control-Allow-Origin' header contains multiple values 'a, b', but only one is allowed. Have the server send the header with a valid value.`, "acao-multiple", "a, b"],
    [`${FRAME}${PRE}The 'Access-Control-Allow-Origin' header contains the invalid value 'localhost'.`, "preflight-acao-invalid", "localhost"],
    [`${FRAME}The 'Access-Control-Allow-Origin' header has a value 'https://example.com' that is not equal to the supplied origin.`, "acao-mismatch", "https://example.com"],
    [`${FRAME}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.`, "acao-wildcard-with-credentials", undefined],
    [`${FRAME}The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'.`, "acac-missing-or-not-true", ""],
    [`${FRAME}${PRE}It does not have HTTP ok status.`, "preflight-status-not-ok", undefined],
    [`${FRAME}${PRE}Redirect is not allowed for a preflight request.`, "preflight-redirect", undefined],
    [`${FRAME}Cannot parse Access-Control-Allow-Methods response header field in preflight response.`, "acam-unparseable", undefined],
    [`${FRAME}Cannot parse Access-Control-Allow-Headers response header field in preflight response.`, "acah-unparseable", undefined],
    [`${FRAME}Method patch is not allowed by Access-Control-Allow-Methods in preflight response.`, "method-not-allowed", "patch"],
    [`${FRAME}Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response.`, "header-not-allowed", "x-custom"],
    [`${FRAME}Redirect location '' contains a username and password, which is disallowed for cross-origin requests.`, "redirect-userinfo", ""],
    [`${FRAME}Cross origin requests are only supported for protocol schemes: http, data, https.`, "cors-disabled-scheme", "http, data, https"],
    [`${FRAME}Cross origin requests are not allowed by request mode.`, "disallowed-by-mode", undefined],
    [`${FRAME}The response is invalid.`, "invalid-response", undefined],
    [`${FRAME}Permission was denied for this request to access the \`loopback\` address space.`, "lna-permission-denied", "loopback"],
    [`${FRAME}The request client is not a secure context and the resource is in more-private address space \`local\`.`, "lna-insecure-initiator", "local"],
    [`${FRAME}Request had a target IP address space of \`local\` yet the resource is in address space \`loopback\`.`, "lna-address-space-mismatch", "loopback"],
    [`${FRAME}Request had no target IP address space, yet the resource is in address space \`private\`.`, "pna-unexpected-address-space", "private"],
    [`${FRAME}${PRE}No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the \`local\` address space.`, "pna-preflight-allow-private-network-missing", undefined],
    [`${FRAME}${PRE}No 'Access-Control-Allow-External' header was present in the preflight response for this external request (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').`, "pna-preflight-allow-private-network-missing", undefined],
    [`${FRAME}${PRE}The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the \`local\` address space had a value of 'yes',  not 'true'.`, "pna-preflight-allow-private-network-invalid", "yes"],
    [`${FRAME}No 'Private-Network-Access-Id' header was present in the preflight response for this private network request targeting the \`local\` address space.`, "pna-preflight-missing-id", undefined],
    [`${FRAME}No 'Private-Network-Access-Name' header was present in the preflight response for this private network request targeting the \`local\` address space.`, "pna-preflight-missing-name", undefined],
    [`${FRAME}Unable to ask for permission to access the \`local\` IP address space.`, "pna-permission-unavailable", "local"],
    ['Fetch API cannot load http://localhost:4000/api. Request mode is "same-origin" but the URL\'s origin is not same as the request origin http://127.0.0.1:3000.', "disallowed-by-mode", undefined],
    ['Fetch API cannot load http://localhost:4000/api. Request mode is "no-cors" but the redirect mode is not "follow".', "no-cors-redirect-mode-not-follow", undefined],
    ['Fetch API cannot load file:///x. URL scheme "file" is not supported.', "cors-disabled-scheme", "file"],
    ["Mixed Content: The page at 'https://a.com/' was loaded over HTTPS, but requested an insecure resource 'http://b.com/'. This request has been blocked; the content must be served over HTTPS.", "non-cors-mixed-content", undefined],
    ["Refused to connect to 'http://b.com/' because it violates the document's Content Security Policy.", "non-cors-csp-blocked", undefined],
    ["Failed to load resource: net::ERR_BLOCKED_BY_ORB", "non-cors-orb-corb", undefined],
    ['The FetchEvent for "http://b.com/x" resulted in a network error response: an "opaque" response was used for a request whose type is not no-cors', "non-cors-service-worker-opaque", undefined],
    ["Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling.", "warn-authorization-covered-by-wildcard", undefined],
    ["Failed to load resource: net::ERR_BLOCKED_BY_CLIENT", "non-cors-blocked-by-client", undefined],
    ["Failed to load resource: net::ERR_UNSAFE_REDIRECT", "redirect-disallowed-scheme", undefined],
    ["Failed to load resource: net::ERR_CONNECTION_REFUSED", "non-cors-network-error", "net::ERR_CONNECTION_REFUSED"],
    ["Failed to load resource: net::ERR_CERT_AUTHORITY_INVALID", "non-cors-tls-error", "net::ERR_CERT_AUTHORITY_INVALID"],
  ])("%s", (text, id, value) => {
    const m = matchBrowserMessage(text, "chromium");
    expect(m?.id).toBe(id);
    expect(m?.value).toBe(value);
  });

  test("frame fields", () => {
    expect(matchBrowserMessage(`Access to XMLHttpRequest at 'http://c/x' (redirected from 'http://b/y') from origin 'http://a' has been blocked by CORS policy: ${PRE}It does not have HTTP ok status.`, "chromium")).toEqual({
      id: "preflight-status-not-ok",
      kind: "XMLHttpRequest",
      url: "http://c/x",
      initialUrl: "http://b/y",
      origin: "http://a",
      preflight: true,
    });
  });

  test("a mismatch naming the page origin after a redirect is redirect-origin-null", () => {
    const text = "Access to fetch at 'http://c/x' (redirected from 'http://b/y') from origin 'http://a' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://a' that is not equal to the supplied origin.";
    expect(matchBrowserMessage(text, "chromium")?.id).toBe("redirect-origin-null");
  });

  test("net::ERR_FAILED alone and unrelated text name no rule", () => {
    expect(matchBrowserMessage("Failed to load resource: net::ERR_FAILED", "chromium")).toBeNull();
    expect(matchBrowserMessage("hello", "chromium")).toBeNull();
    expect(matchBrowserMessage(`${FRAME}Something new.`, "chromium")).toBeNull();
  });
});

describe("Firefox (typographic quotes normalised)", () => {
  const ff = (reason: string, status?: string) =>
    `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:4000/api. (Reason: ${reason}).${status ? ` Status code: ${status}.` : ""}`;
  test.each([
    [ff("CORS disabled"), "cors-disabled-by-user", undefined],
    [ff("CORS request did not succeed", "(null)"), "non-cors-network-error", undefined],
    [ff("CORS header \u2018Origin\u2019 cannot be added"), "origin-header-not-added", undefined],
    [ff("CORS request external redirect not allowed"), "preflight-redirect", undefined],
    [ff("CORS request not http"), "cors-disabled-scheme", undefined],
    [ff("CORS header \u2018Access-Control-Allow-Origin\u2019 missing", "200"), "acao-missing", undefined],
    [ff("CORS header \u2018Access-Control-Allow-Origin\u2019 missing", "302"), "redirect-acao-missing", undefined],
    [ff("Multiple CORS header \u2018Access-Control-Allow-Origin\u2019 not allowed", "200"), "acao-multiple", undefined],
    [ff("CORS header \u2018Access-Control-Allow-Origin\u2019 does not match \u2018http://x, http://y\u2019", "200"), "acao-mismatch", "http://x, http://y"],
    [
      "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at \u2018http://localhost:4000/api\u2019. (Reason: Credential is not supported if the CORS header \u2018Access-Control-Allow-Origin\u2019 is \u2018*\u2019). Status code: 200.",
      "acao-wildcard-with-credentials",
      undefined,
    ],
    [ff("Did not find method in CORS header \u2018Access-Control-Allow-Methods\u2019"), "method-not-allowed", undefined],
    [ff("expected \u2018true\u2019 in CORS header \u2018Access-Control-Allow-Credentials\u2019"), "acac-missing-or-not-true", undefined],
    [ff("CORS preflight response did not succeed", "404"), "preflight-status-not-ok", "404"],
    [ff("CORS preflight channel did not succeed"), "preflight-status-not-ok", undefined],
    [ff("invalid token \u2018GET; PUT\u2019 in CORS header \u2018Access-Control-Allow-Methods\u2019"), "acam-unparseable", "GET; PUT"],
    [ff("invalid token \u2018X-Token: abc\u2019 in CORS header \u2018Access-Control-Allow-Headers\u2019"), "acah-unparseable", "X-Token: abc"],
    [ff("header \u2018x-custom\u2019 is not allowed according to header \u2018Access-Control-Allow-Headers\u2019 from CORS preflight response"), "header-not-allowed", "x-custom"],
    [ff("missing token \u2018x-custom\u2019 in CORS header \u2018Access-Control-Allow-Headers\u2019 from CORS preflight channel"), "header-not-allowed", "x-custom"],
    [
      "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at http://localhost:4000/api soon. (Reason: When the \u2018Access-Control-Allow-Headers\u2019 is \u2018*\u2019, the \u2018Authorization\u2019 header is not covered. To include the \u2018Authorization\u2019 header, it must be explicitly listed in CORS header \u2018Access-Control-Allow-Headers\u2019).",
      "warn-authorization-covered-by-wildcard",
      undefined,
    ],
  ])("%s", (text, id, value) => {
    const m = matchBrowserMessage(text, "firefox");
    expect(m?.id).toBe(id);
    expect(m?.value).toBe(value);
    expect(m?.url).toBe("http://localhost:4000/api");
  });
});
