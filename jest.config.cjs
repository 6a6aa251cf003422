// Jest runs TypeScript through swc (TypeScript 7 has no compiler API, so no ts-jest).
// Two projects: `unit` (pure code in Node, UI in jsdom) and `e2e` (real browsers, run in band
// so that tests share one browser instance per file and the 2-core machine is not oversubscribed).
const transform = {
  "^.+\\.(t|j)sx?$": [
    "@swc/jest",
    {
      jsc: {
        parser: { syntax: "typescript", tsx: true },
        transform: { react: { runtime: "automatic", importSource: "preact" } },
        target: "es2022",
      },
      module: { type: "commonjs" },
    },
  ],
};
const common = {
  transform,
  moduleFileExtensions: ["ts", "tsx", "js", "mjs", "cjs", "json"],
  // chrome-har ships ESM only; let swc turn it into CommonJS like our own files.
  transformIgnorePatterns: ["/node_modules/(?!(preact|chrome-har)/)"],
  globals: { __BROWSER__: "chromium", __VERSION__: "test" },
};
module.exports = {
  // Per-project testTimeout is ignored when `projects` is used; set it here. Browser suites
  // launch a browser in beforeAll, which takes seconds on this 2-core machine.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts?(x)"], testEnvironment: "node" },
    {
      ...common,
      displayName: "e2e",
      testMatch: ["<rootDir>/test/e2e/**/*.test.ts"],
      testEnvironment: "node",
      slowTestThreshold: 60,
    },
  ],
};
