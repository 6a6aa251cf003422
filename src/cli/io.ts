/** What the CLI needs from its environment, injected so that tests run main() in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** colours only when stdout is a terminal and NO_COLOR is unset */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export const EXIT_OK = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_BAD_INPUT = 2;

export class UsageError extends Error {
  override name = "UsageError";
}
