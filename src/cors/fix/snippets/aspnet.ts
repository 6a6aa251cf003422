/** ASP.NET Core CORS middleware (Program.cs, minimal hosting). */
import { csString } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, literalList, methodCaseCaveat } from "./shared";

export function renderAspnet(policy: CorsPolicy): ServerSnippet {
  const args = (items: string[]): string => literalList(items, csString);
  const chain = [isWildcard(policy) ? ".AllowAnyOrigin()" : `.WithOrigins(${args(policy.allowOrigins)})`];
  chain.push(`.WithMethods(${args(policy.allowMethods)})`);
  if (policy.allowHeaders.length > 0) chain.push(`.WithHeaders(${args(policy.allowHeaders)})`);
  if (policy.exposeHeaders.length > 0) chain.push(`.WithExposedHeaders(${args(policy.exposeHeaders)})`);
  if (policy.allowCredentials) chain.push(".AllowCredentials()");
  chain.push(`.SetPreflightMaxAge(TimeSpan.FromSeconds(${policy.maxAge}))`);
  const lines = [
    "// Program.cs",
    "builder.Services.AddCors(options =>",
    "{",
    '    options.AddPolicy("CorsLens", policy => policy',
    ...chain.map((c, i) => `        ${c}${i === chain.length - 1 ? ");" : ""}`),
    "});",
    "",
    "var app = builder.Build();",
    "app.UseRouting();",
    '// After UseRouting, before UseAuthentication/UseAuthorization, so preflights skip auth.',
    'app.UseCors("CorsLens");',
    "app.UseAuthentication();",
    "app.UseAuthorization();",
    "",
  ];
  return {
    server: "aspnet",
    label: "ASP.NET Core (CORS middleware)",
    language: "csharp",
    code: lines.join("\n"),
    caveats: methodCaseCaveat(policy),
  };
}
