/** The options page. */
import { render } from "preact";
import { createRuntimeTransport } from "../platform/transport";
import { applyTheme } from "../ui/common/theme";
import { Options } from "../ui/options/Options";
import "../ui/styles/options.css";

export function main(): void {
  applyTheme(document.documentElement);
  const root = document.getElementById("app");
  if (root) render(<Options transport={createRuntimeTransport()} />, root);
}

main();
