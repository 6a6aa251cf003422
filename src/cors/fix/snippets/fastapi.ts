/** FastAPI / Starlette CORSMiddleware. */
import { pyString } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, literalList, methodCaseCaveat } from "./shared";

export function renderFastapi(policy: CorsPolicy): ServerSnippet {
  const list = (items: string[]): string => `[${literalList(items, pyString)}]`;
  const lines = [
    "from fastapi import FastAPI",
    "from fastapi.middleware.cors import CORSMiddleware",
    "",
    "app = FastAPI()",
    "",
    "# Added last, so it runs first: preflights are answered before any authentication dependency.",
    "app.add_middleware(",
    "    CORSMiddleware,",
    `    allow_origins=${isWildcard(policy) ? list(["*"]) : list(policy.allowOrigins)},`,
    `    allow_credentials=${policy.allowCredentials ? "True" : "False"},`,
    `    allow_methods=${list(policy.allowMethods)},`,
    `    allow_headers=${list(policy.allowHeaders)},`,
    `    expose_headers=${list(policy.exposeHeaders)},`,
    `    max_age=${policy.maxAge},`,
    ")",
    "",
  ];
  return {
    server: "fastapi",
    label: "FastAPI (CORSMiddleware)",
    language: "python",
    code: lines.join("\n"),
    caveats: methodCaseCaveat(policy),
  };
}
