/**
 * A group of HAR entries → the Exchange the engine judges: its hops, their preflights and how
 * each was guarded, the page's origin, the outcome.
 */
import { guardKnown, unseenPreflightState } from "../capture/preflight-state";
import { headerValue } from "../cors/headers";
import type { BrowserKind, Exchange, Hop, Outcome, TrafficClass } from "../cors/model";
import { type Group, preflightOf, redirectTarget, responseOf, urlKey } from "./har-entry";
import type { NormEntry } from "./har-normalize";

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") return u.origin;
    if (u.protocol === "chrome-extension:" || u.protocol === "moz-extension:") return `${u.protocol}//${u.host}`;
    return null;
  } catch {
    return null;
  }
}

/** Chrome DevTools `_resourceType` → webRequest type (what the engine knows). */
function webRequestType(resourceType: string | undefined): string {
  switch (resourceType) {
    case undefined:
      return "other";
    case "fetch":
    case "xhr":
      return "xmlhttprequest";
    case "document":
      return "main_frame";
    case "texttrack":
    case "manifest":
    case "signedexchange":
    case "prefetch":
    case "eventsource":
      return "other";
    default:
      return resourceType;
  }
}

export interface Context {
  browser: BrowserKind;
  tabId: number;
  pages: Map<string, string>;
  defaultOrigin: string | null;
  /** false when the file shows no preflight at all (old Chrome, chrome-har): a missing one
   * then proves nothing about the preflight cache */
  preflightsVisible: boolean;
  warn: (message: string) => void;
}

function initiatorOf(group: Group, ctx: Context): string | null {
  const first = group.hops[0] as NormEntry;
  if (first.initiatorOrigin !== undefined) return first.initiatorOrigin;
  const origin = headerValue(first.requestHeaders, "origin") ?? headerValue(group.preflights.get(0)?.requestHeaders ?? [], "origin");
  if (origin !== null && origin.trim() !== "") return origin.trim();
  if (first.pageref !== undefined) {
    const page = originOf(ctx.pages.get(first.pageref));
    if (page) return page;
  }
  const fromInitiator = originOf(first.initiatorUrl);
  if (fromInitiator) return fromInitiator;
  return ctx.defaultOrigin;
}

function classify(url: string, hops: Hop[], type: string, initiator: string | null): TrafficClass {
  if (!url.startsWith("http://") && !url.startsWith("https://")) return "non-http";
  if (initiator && (initiator.startsWith("chrome-extension://") || initiator.startsWith("moz-extension://"))) return "extension";
  if (type === "main_frame" || type === "sub_frame") return "navigation";
  if (initiator !== null && initiator !== "null" && hops.every((h) => originOf(h.url) === initiator)) return "same-origin";
  return "cross-origin";
}

function outcomeOf(group: Group, ctx: Context): Outcome {
  const last = group.hops[group.hops.length - 1] as NormEntry;
  const endTime = last.start + Math.round(last.time);
  if (last.error !== undefined) return { state: "failed", error: last.error, endTime };
  if (group.pending) return group.interrupted ? { state: "pending", interrupted: true } : { state: "pending" };
  // The chain ends on a redirect whose next request is not in the file (chrome-har, for one,
  // leaves out every request that failed): what happened after the 3xx is unknown, and
  // calling it completed would claim the page read a response it may never have had.
  if (redirectTarget(last) !== null) {
    ctx.warn(`${last.method} ${last.url}: redirected to ${redirectTarget(last)}, which is not in the file; treated as interrupted`);
    return { state: "pending", interrupted: true };
  }
  if (last.status > 0) return { state: "completed", endTime };
  // status 0 and no error string: the writer did not say what happened
  if (group.preflights.size > 0) {
    const error = ctx.browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED";
    ctx.warn(`${last.method} ${last.url}: no response and no error in the file; assumed the browser's CORS error (${error}) because a preflight was sent`);
    return { state: "failed", error, endTime };
  }
  ctx.warn(`${last.method} ${last.url}: no response and no error in the file; treated as interrupted`);
  return { state: "pending", interrupted: true };
}

function hopOf(e: NormEntry, index: number, group: Group): Hop {
  const neverSent = e.status === 0 && e.requestHeaders.length === 0;
  const hop: Hop = {
    url: e.url,
    method: e.method,
    requestHeaders: neverSent || e.provisionalHeaders ? null : e.requestHeaders,
    startTime: e.start,
    preflightState: "unknown",
  };
  const pre = group.preflights.get(index);
  if (pre) {
    hop.preflightState = "sent";
    hop.preflight = preflightOf(pre);
  }
  const response = responseOf(e);
  if (response) hop.response = response;
  const next = group.hops[index + 1];
  // CORS Lens writes redirectURL exactly when the browser followed (or tried) the redirect; a
  // 3xx it did not follow (yet, or ever: redirect mode) keeps its Location header only
  const location = e.corsLens ? null : headerValue(e.responseHeaders, "location");
  const target = e.status >= 300 && e.status <= 399 ? e.redirectURL || location : null;
  if (next) hop.redirectUrl = next.url;
  else if (target) hop.redirectUrl = urlKey(target, e.url);
  return hop;
}

/**
 * A hop without a preflight of its own is settled as capture settles it (capture/
 * preflight-state.ts), once the browser would have shown how it was guarded: a hop in
 * Firefox only when it is over, which the last hop of an exchange CORS Lens wrote as pending
 * is not. A CORS Lens file says whether the preflight cache answered for any hop
 * (`cachedPreflight`): when it says no, a hop that needed a preflight and shows none was not
 * seen whole (capture interrupted), and stays unknown.
 */
function settleHops(hops: Hop[], group: Group, ex: Pick<Exchange, "trafficClass" | "initiator" | "hops">, ctx: Context): void {
  hops.forEach((hop, i) => {
    if (hop.preflightState !== "unknown" || hop.requestHeaders === null) return;
    const e = group.hops[i] as NormEntry;
    const over = i < hops.length - 1 || (!group.pending && (e.status > 0 || e.error !== undefined));
    if (!guardKnown(ctx.browser, hop, over)) return;
    const state = unseenPreflightState(ex, hop, ctx.browser, !ctx.preflightsVisible);
    hop.preflightState = state === "cached" && group.cachedPreflight === false ? "unknown" : state;
  });
}

export function buildExchange(group: Group, ctx: Context): Exchange {
  const hops = group.hops.map((e, i) => hopOf(e, i, group));
  const first = group.hops[0] as NormEntry;
  const type = webRequestType(first.resourceType);
  const initiator = initiatorOf(group, ctx);
  const requestIds = [...group.hops, ...group.preflights.values()].map((e) => `har-${e.index}`);
  const trafficClass = classify(first.url, hops, type, initiator);
  settleHops(hops, group, { trafficClass, initiator, hops }, ctx);
  return {
    id: group.id,
    browser: ctx.browser,
    tabId: ctx.tabId,
    frameId: 0,
    initiator,
    type,
    method: first.method,
    url: first.url,
    startTime: first.start,
    hops,
    outcome: outcomeOf(group, ctx),
    trafficClass,
    requestIds,
  };
}
