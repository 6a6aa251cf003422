/** Replaced by esbuild `define` at build time (and by Jest globals in tests). */
declare const __BROWSER__: "chromium" | "firefox";
declare const __VERSION__: string;
