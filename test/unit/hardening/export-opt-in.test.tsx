/** @jest-environment jsdom */
/**
 * Hardening, privacy: in the panel's Export, redaction is the default and including secrets is
 * an explicit choice for one export: the "include secrets" box, ticked, applies to the next
 * export only, then unticks itself. With the default turned off in Options, exports keep
 * everything (the user chose it there).
 */
import { render } from "preact";
import { act } from "preact/test-utils";
import { Transfer } from "../../../src/ui/panel/Transfer";
import { initialState, logFrom } from "../../../src/ui/store/log";
import { DEFAULT_SETTINGS, type Settings } from "../../../src/protocol";
import { entry } from "../ui/fixtures";

const SECRET = "Bearer tok-0123456789";
const state = {
  ...initialState(7),
  live: logFrom({
    tabId: 7,
    pageUrl: "http://app.test/?token=page-secret-42",
    dropped: 0,
    entries: [entry({ id: "a", url: "http://api.test/x?access_token=url-secret-42", requestHeaders: [{ name: "Authorization", value: SECRET }] })],
  }),
};

let container: HTMLElement;
const downloads: Blob[] = [];
beforeAll(() => {
  const createObjectURL = (b: Blob) => {
    downloads.push(b);
    return "blob:test";
  };
  Object.assign(URL, { createObjectURL, revokeObjectURL: () => undefined });
  HTMLAnchorElement.prototype.click = () => undefined;
});
beforeEach(() => {
  downloads.length = 0;
  container = document.createElement("div");
  document.body.appendChild(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

async function mount(settings: Settings) {
  await act(async () => {
    render(<Transfer state={state} dispatch={() => undefined} settings={settings} />, container);
  });
}
const button = (name: string) => [...container.querySelectorAll("button")].find((b) => b.textContent === name) as HTMLButtonElement;
const box = () => container.querySelector('input[type="checkbox"]') as HTMLInputElement;
async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
  });
}
/** jsdom's Blob has no text(): read it the old way */
const lastText = () =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(downloads[downloads.length - 1] as Blob);
  });
const secrets = (text: string) => ["tok-0123456789", "url-secret-42", "page-secret-42"].filter((s) => text.includes(s));

test.each(["Export HAR", "Export JSON"])("%s: redacted by default, secrets only when ticked, for that export only", async (name) => {
  await mount(DEFAULT_SETTINGS);
  expect(box().checked).toBe(false);
  await click(button(name));
  expect(secrets(await lastText())).toEqual([]);

  await click(box());
  expect(box().checked).toBe(true);
  await click(button(name));
  expect(secrets(await lastText())).toEqual(["tok-0123456789", "url-secret-42", "page-secret-42"]);
  // the choice was for that export: the box is clear again, the next export redacted
  expect(box().checked).toBe(false);
  await click(button(name));
  expect(secrets(await lastText())).toEqual([]);
});

test("with redaction turned off in Options, exports keep everything", async () => {
  await mount({ ...DEFAULT_SETTINGS, redactByDefault: false });
  await click(button("Export HAR"));
  expect(secrets(await lastText())).toHaveLength(3);
});
