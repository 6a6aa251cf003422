/** Accessible names of the controls of a page, read from Chromium's accessibility tree. */
import type { Page, SerializedAXNode } from "puppeteer";

export interface Control {
  role: string;
  name: string;
}

const CONTROL_ROLES = new Set(["button", "checkbox", "combobox", "textbox", "searchbox", "spinbutton", "listbox", "tab", "option", "link", "menuitem"]);

function collect(node: SerializedAXNode | null, out: Control[]): Control[] {
  if (!node) return out;
  if (CONTROL_ROLES.has(node.role)) out.push({ role: node.role, name: (node.name ?? "").trim() });
  for (const child of node.children ?? []) collect(child, out);
  return out;
}

/** Every control (button, checkbox, input, list, tab…) on the page with its role and name. */
export async function controlsOf(page: Page): Promise<Control[]> {
  return collect(await page.accessibility.snapshot({ interestingOnly: true }), []);
}
