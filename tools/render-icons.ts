/**
 * Renders icons/icon.svg to the PNG sizes the manifest names, in headless Chromium.
 * Run after changing the SVG: `npx tsx tools/render-icons.ts`. The PNGs are committed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer";
import { CHROMIUM_ARGS, findBrowser } from "./browsers";

const root = join(import.meta.dirname, "..");
const svg = readFileSync(join(root, "icons/icon.svg"), "utf8");

const browser = await puppeteer.launch({ executablePath: findBrowser("chromium"), headless: true, pipe: true, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  for (const size of [16, 32, 48, 128]) {
    await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(join(root, `icons/icon-${size}.png`), png);
  }
} finally {
  await browser.close();
}
