/**
 * What the request itself says about its credentials mode (cors-failures.md 1.1). webRequest
 * never reports the mode: a `Cookie` header on a cross-origin request proves `include`;
 * `Sec-Fetch-Storage-Access` is only sent on credentialed cross-site requests (Chromium);
 * `Authorization` is not a credential in the Fetch sense and proves nothing. The outcome then
 * decides between the remaining explanations (diagnose.ts).
 */
import { hasHeader } from "./headers";
import type { Exchange } from "./model";
import { hostOf } from "./origin";

const IP_OR_BRACKET = /^[\d.]+$|^\[/;

/** Registrable-domain approximation (last two labels; IP literals whole): enough to tell cross-site. */
function siteOf(host: string): string {
  if (IP_OR_BRACKET.test(host) || !host.includes(".")) return host;
  const labels = host.split(".");
  return labels.slice(-2).join(".");
}

export interface CredentialsEvidence {
  /** include / not include, or null when the request says nothing */
  include: boolean | null;
  /** how sure: `proof` (hint, cookie), `strong` (storage-access header), `none` */
  strength: "proof" | "strong" | "none";
  source: "hint" | "cookie" | "storage-access" | null;
}

export function credentialsEvidence(exchange: Exchange): CredentialsEvidence {
  const hint = exchange.hints?.credentials;
  if (hint === "include") return { include: true, strength: "proof", source: "hint" };
  if (hint === "omit" || hint === "same-origin") return { include: false, strength: "proof", source: "hint" };
  const first = exchange.hops[0];
  const sent = first?.requestHeaders;
  if (hasHeader(sent, "cookie")) return { include: true, strength: "proof", source: "cookie" };
  if (hasHeader(sent, "sec-fetch-storage-access")) return { include: true, strength: "strong", source: "storage-access" };
  // Chromium sends Sec-Fetch-Storage-Access on every credentialed cross-site request that
  // carries Sec-Fetch-* headers [obs]: its absence there speaks against `include`.
  if (exchange.browser === "chromium" && first && exchange.initiator && hasHeader(sent, "sec-fetch-mode") && siteOf(hostOf(first.url)) !== siteOf(hostOf(exchange.initiator))) {
    return { include: false, strength: "strong", source: "storage-access" };
  }
  return { include: null, strength: "none", source: null };
}
