/** One renderer per server: vocabulary, syntax where cheap to check, and escaping of hostile values. */
import vm from "node:vm";
import { renderSnippets } from "../../../src/cors/fix/snippets/index";
import type { CorsPolicy, ServerKind, ServerSnippet } from "../../../src/cors/fix/types";
import { decodeConf, decodeCsharp, decodeJava, decodePython, javaUnicodePass, literals, outsideLiterals } from "./literals";

const POLICY: CorsPolicy = {
  allowOrigins: ["http://127.0.0.1:8080", "https://app.example"],
  allowMethods: ["PUT", "patch"],
  allowHeaders: ["authorization", "content-type", "x-api-key"],
  allowCredentials: true,
  exposeHeaders: ["ETag", "X-Total-Count"],
  maxAge: 600,
};

function snippet(policy: CorsPolicy, server: ServerKind): ServerSnippet {
  const found = renderSnippets(policy).find((s) => s.server === server);
  if (!found) throw new Error(`no ${server} snippet`);
  return found;
}

/** Runs the Express snippet with stand-ins for express and cors; returns the options given to cors(). */
function expressOptions(code: string): unknown {
  new vm.Script(code); // syntax check
  const captured: unknown[] = [];
  const app = { use: () => undefined, options: () => undefined };
  const require = (name: string): unknown => {
    if (name === "express") return () => app;
    if (name === "cors") return (options: unknown) => captured.push(options);
    throw new Error(`unexpected require(${name})`);
  };
  vm.runInNewContext(code, { require });
  expect(captured).toHaveLength(1);
  return captured[0];
}

describe("vocabulary of each server", () => {
  test("express: cors package options, runnable", () => {
    const s = snippet(POLICY, "express");
    expect(s.language).toBe("javascript");
    expect(JSON.parse(JSON.stringify(expressOptions(s.code)))).toEqual({
      origin: ["http://127.0.0.1:8080", "https://app.example"],
      credentials: true,
      methods: ["PUT", "patch"],
      allowedHeaders: ["authorization", "content-type", "x-api-key"],
      exposedHeaders: ["ETag", "X-Total-Count"],
      maxAge: 600,
      optionsSuccessStatus: 204,
    });
    expect(s.code).toContain("app.use(cors(corsOptions));");
    expect(s.caveats.join(" ")).toContain('method: "PATCH"');
  });

  test("nginx: map of origins, add_header … always, 204 for OPTIONS", () => {
    const { code } = snippet(POLICY, "nginx");
    expect(code).toContain("map $http_origin $cors_origin {");
    expect(code).toContain('    "http://127.0.0.1:8080" $http_origin;');
    expect(code).toContain('    "https://app.example" $http_origin;');
    expect(code).toContain("if ($request_method = OPTIONS) {");
    expect(code).toContain("return 204;");
    expect(code).toContain("add_header Access-Control-Allow-Origin $cors_origin always;");
    expect(code).toContain('add_header Access-Control-Allow-Credentials "true" always;');
    expect(code).toContain('add_header Access-Control-Allow-Methods "PUT, patch" always;');
    expect(code).toContain('add_header Access-Control-Allow-Headers "authorization, content-type, x-api-key" always;');
    expect(code).toContain('add_header Access-Control-Expose-Headers "ETag, X-Total-Count" always;');
    expect(code).toContain("add_header Access-Control-Max-Age 600 always;");
    expect(code).toContain("add_header Vary Origin always;");
    // braces balance
    expect(code.split("{").length).toBe(code.split("}").length);
  });

  test("apache: SetEnvIf allowlist, Header always set, RewriteRule 204", () => {
    const { code } = snippet(POLICY, "apache");
    expect(code).toContain('SetEnvIf Origin "^http://127\\.0\\.0\\.1:8080$" CORS_ORIGIN=$0');
    expect(code).toContain('SetEnvIf Origin "^https://app\\.example$" CORS_ORIGIN=$0');
    expect(code).toContain('Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN');
    expect(code).toContain('Header always set Access-Control-Allow-Methods "PUT, patch" env=CORS_ORIGIN');
    expect(code).toContain('Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN');
    expect(code).toContain('Header always merge Vary "Origin"');
    expect(code).toContain("RewriteRule ^ - [R=204,L]");
    for (const line of code.split("\n").filter((l) => l.startsWith("SetEnvIf"))) {
      const regex = decodeConf(literals(line)[0] as string);
      expect(new RegExp(regex).test("https://app.example") || new RegExp(regex).test("http://127.0.0.1:8080")).toBe(true);
      expect(new RegExp(regex).test("https://app.example.evil.net")).toBe(false);
      expect(new RegExp(regex).test("https://appXexample")).toBe(false);
    }
  });

  test("spring: CorsConfiguration setters", () => {
    const { code, language } = snippet(POLICY, "spring");
    expect(language).toBe("java");
    expect(code).toContain('config.setAllowedOrigins(List.of("http://127.0.0.1:8080", "https://app.example"));');
    expect(code).toContain('config.setAllowedMethods(List.of("PUT", "patch"));');
    expect(code).toContain('config.setAllowedHeaders(List.of("authorization", "content-type", "x-api-key"));');
    expect(code).toContain('config.setExposedHeaders(List.of("ETag", "X-Total-Count"));');
    expect(code).toContain("config.setAllowCredentials(true);");
    expect(code).toContain("config.setMaxAge(600L);");
  });

  test("django: django-cors-headers settings extending the defaults", () => {
    const { code } = snippet(POLICY, "django");
    expect(code).toContain('CORS_ALLOWED_ORIGINS = [\n    "http://127.0.0.1:8080",\n    "https://app.example",\n]');
    expect(code).toContain("CORS_ALLOW_CREDENTIALS = True");
    expect(code).toContain('CORS_ALLOW_METHODS = (\n    *default_methods,\n    "patch",\n)');
    expect(code).toContain('CORS_ALLOW_HEADERS = (\n    *default_headers,\n    "x-api-key",\n)');
    expect(code).toContain('CORS_EXPOSE_HEADERS = [\n    "ETag",\n    "X-Total-Count",\n]');
    expect(code).toContain("CORS_PREFLIGHT_MAX_AGE = 600");
    expect(code).toContain("from corsheaders.defaults import default_headers, default_methods");
  });

  test("fastapi: CORSMiddleware arguments", () => {
    const { code } = snippet(POLICY, "fastapi");
    expect(code).toContain("app.add_middleware(\n    CORSMiddleware,");
    expect(code).toContain('allow_origins=["http://127.0.0.1:8080", "https://app.example"],');
    expect(code).toContain("allow_credentials=True,");
    expect(code).toContain('allow_methods=["PUT", "patch"],');
    expect(code).toContain('allow_headers=["authorization", "content-type", "x-api-key"],');
    expect(code).toContain('expose_headers=["ETag", "X-Total-Count"],');
    expect(code).toContain("max_age=600,");
  });

  test("aspnet: AddCors policy and UseCors before auth", () => {
    const { code } = snippet(POLICY, "aspnet");
    expect(code).toContain("builder.Services.AddCors(options =>");
    expect(code).toContain('.WithOrigins("http://127.0.0.1:8080", "https://app.example")');
    expect(code).toContain('.WithMethods("PUT", "patch")');
    expect(code).toContain('.WithHeaders("authorization", "content-type", "x-api-key")');
    expect(code).toContain('.WithExposedHeaders("ETag", "X-Total-Count")');
    expect(code).toContain(".AllowCredentials()");
    expect(code).toContain(".SetPreflightMaxAge(TimeSpan.FromSeconds(600)));");
    expect(code.indexOf('app.UseCors("CorsLens");')).toBeLessThan(code.indexOf("app.UseAuthentication();"));
  });

  test("s3: valid CORSRules JSON, unsupported methods left out and named", () => {
    const s = snippet(POLICY, "s3");
    expect(JSON.parse(s.code)).toEqual({
      CORSRules: [
        {
          AllowedOrigins: ["http://127.0.0.1:8080", "https://app.example"],
          AllowedMethods: ["PUT"],
          AllowedHeaders: ["authorization", "content-type", "x-api-key"],
          ExposeHeaders: ["ETag", "X-Total-Count"],
          MaxAgeSeconds: 600,
        },
      ],
    });
    expect(s.caveats.join(" ")).toContain("only GET, PUT, POST, DELETE and HEAD (upper case); patch cannot be allowed on S3");
  });

  test("wildcard policy renders each server's 'any origin' form, without credentials", () => {
    const pub: CorsPolicy = { allowOrigins: ["*"], allowMethods: ["GET"], allowHeaders: [], allowCredentials: false, exposeHeaders: [], maxAge: 600 };
    const code = Object.fromEntries(renderSnippets(pub).map((s) => [s.server, s.code]));
    expect(expressOptions(code.express as string)).toMatchObject({ origin: "*", credentials: false });
    expect(code.nginx).toContain('add_header Access-Control-Allow-Origin "*" always;');
    expect(code.nginx).not.toContain("map $http_origin");
    expect(code.apache).toContain('Header always set Access-Control-Allow-Origin "*"');
    expect(code.spring).toContain('List.of("*")');
    expect(code.django).toContain("CORS_ALLOW_ALL_ORIGINS = True");
    expect(code.django).toContain("CORS_ALLOW_HEADERS = default_headers");
    expect(code.fastapi).toContain('allow_origins=["*"]');
    expect(code.aspnet).toContain(".AllowAnyOrigin()");
    expect(code.aspnet).not.toContain("AllowCredentials");
    expect(JSON.parse(code.s3 as string).CORSRules[0].AllowedOrigins).toEqual(["*"]);
  });
});

describe("hostile values never leave their string literal", () => {
  const MARK = "PWNED";
  const hostileOrigin = `https://a.example"); ${MARK}(); //\\`;
  const hostileMethod = `PUT\n${MARK}`;
  const hostileHeader = `x-a\\"${MARK}\r\n`;
  const hostileExpose = `X-E\u2028${MARK}\u0085\u000a\\u0022${MARK}`;
  const javaTrap = `\\u0022); ${MARK}(); //`;
  const policy: CorsPolicy = {
    allowOrigins: [hostileOrigin],
    allowMethods: [hostileMethod, "GET"],
    allowHeaders: [hostileHeader, javaTrap],
    allowCredentials: true,
    exposeHeaders: [hostileExpose, "$http_cookie", "%{HTTP_COOKIE}e"],
    maxAge: 600,
  };
  const values = [hostileOrigin, hostileMethod, hostileHeader, javaTrap, hostileExpose];
  const code = (server: ServerKind): string => snippet(policy, server).code;

  test("express: runs and receives the values intact", () => {
    const options = expressOptions(code("express")) as Record<string, unknown>;
    expect(options.origin).toEqual([hostileOrigin]);
    expect(options.methods).toEqual([hostileMethod, "GET"]);
    expect(options.allowedHeaders).toEqual([hostileHeader, javaTrap]);
    expect(options.exposedHeaders).toEqual([hostileExpose, "$http_cookie", "%{HTTP_COOKIE}e"]);
  });

  test("s3: JSON keeps the values intact", () => {
    const rule = JSON.parse(code("s3")).CORSRules[0];
    expect(rule.AllowedOrigins).toEqual([hostileOrigin]);
    expect(rule.AllowedHeaders).toEqual([hostileHeader, javaTrap]);
  });

  test.each([
    ["django", decodePython, (c: string) => c],
    ["fastapi", decodePython, (c: string) => c],
    ["aspnet", decodeCsharp, (c: string) => c],
    ["spring", decodeJava, javaUnicodePass],
  ] as const)("%s: the marker only appears inside literals, which decode to the values", (server, decode, lex) => {
    const source = lex(code(server));
    expect(outsideLiterals(source)).not.toContain(MARK);
    const decoded = literals(source).map(decode);
    const expected = server === "django" ? [hostileOrigin, hostileHeader, javaTrap, hostileExpose] : values;
    for (const value of expected) expect(decoded).toContain(value);
    // only printable ASCII is emitted, so no editor or compiler sees a line break in a literal
    expect(code(server).split("\n").every((line) => /^[\x20-\x7e]*$/.test(line))).toBe(true);
  });

  test.each(["nginx", "apache"] as const)("%s: unsafe values are left out and counted, quoted ones decode exactly", (server) => {
    const s = snippet(policy, server);
    expect(outsideLiterals(s.code)).not.toContain(MARK);
    if (server === "nginx") expect(s.code).not.toContain("$http_cookie");
    expect(s.code.split("\n").every((line) => /^[\x20-\x7e]*$/.test(line))).toBe(true);
    expect(s.caveats.join(" ")).toMatch(/\d+ value\(s\) contain characters/);
    for (const literal of literals(s.code)) expect(decodeConf(literal)).not.toMatch(/[\r\n]/);
    if (server === "apache") expect(s.code).toMatch(/ %%\{HTTP_COOKIE\}e"/);
  });
});
