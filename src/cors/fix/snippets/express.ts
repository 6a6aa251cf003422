/** Express with the `cors` middleware package (expressjs/cors option names). */
import { jsString } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, literalList, methodCaseCaveat } from "./shared";

export function renderExpress(policy: CorsPolicy): ServerSnippet {
  const origin = isWildcard(policy) ? jsString("*") : `[${literalList(policy.allowOrigins, jsString)}]`;
  const lines = [
    "// npm install cors",
    'const express = require("express");',
    'const cors = require("cors");',
    "",
    "const app = express();",
    "",
    "const corsOptions = {",
    `  origin: ${origin}, // exact match; the cors package echoes the caller's origin and adds Vary: Origin`,
    `  credentials: ${policy.allowCredentials},`,
    `  methods: [${literalList(policy.allowMethods, jsString)}],`,
    `  allowedHeaders: [${literalList(policy.allowHeaders, jsString)}],`,
    `  exposedHeaders: [${literalList(policy.exposeHeaders, jsString)}],`,
    `  maxAge: ${policy.maxAge},`,
    "  optionsSuccessStatus: 204,",
    "};",
    "",
    "// First middleware: before authentication, routes and error handlers, so that preflights",
    "// (which never carry cookies or Authorization) and error responses get the headers too.",
    "app.use(cors(corsOptions));",
    "",
  ];
  return {
    server: "express",
    label: "Express (cors package)",
    language: "javascript",
    code: lines.join("\n"),
    caveats: methodCaseCaveat(policy),
  };
}
