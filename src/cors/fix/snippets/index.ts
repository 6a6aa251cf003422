/** One renderer per server, all fed the same CorsPolicy. */
import type { CorsPolicy, ServerSnippet } from "../types";
import { renderApache } from "./apache";
import { renderAspnet } from "./aspnet";
import { renderDjango } from "./django";
import { renderExpress } from "./express";
import { renderFastapi } from "./fastapi";
import { renderNginx } from "./nginx";
import { renderS3 } from "./s3";
import { renderSpring } from "./spring";

export const RENDERERS = [
  renderExpress,
  renderNginx,
  renderApache,
  renderSpring,
  renderDjango,
  renderFastapi,
  renderAspnet,
  renderS3,
] as const;

export function renderSnippets(policy: CorsPolicy): ServerSnippet[] {
  return RENDERERS.map((render) => render(policy));
}
