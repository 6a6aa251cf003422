/** The one function of chrome-har the tests use (the package ships no types). */
declare module "chrome-har" {
  export function harFromMessages(messages: { method: string; params: unknown }[], options?: Record<string, unknown>): unknown;
}
