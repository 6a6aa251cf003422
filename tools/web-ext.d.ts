/** The part of web-ext's Node API the tools use (the package ships no types). */
declare module "web-ext" {
  interface RunOptions {
    shouldExitProgram: boolean;
  }
  interface LintMessage {
    code: string;
    message: string;
    description?: string | string[];
    file?: string;
    line?: number;
  }
  interface LintResult {
    errors: LintMessage[];
    warnings: LintMessage[];
    notices: LintMessage[];
    summary: { errors: number; warnings: number; notices: number };
  }
  const webExt: {
    cmd: {
      build(params: { sourceDir: string; artifactsDir: string; filename?: string; overwriteDest?: boolean }, options: RunOptions): Promise<unknown>;
      lint(
        params: { sourceDir: string; output?: "json" | "text" | "none"; selfHosted?: boolean; warningsAsErrors?: boolean; pretty?: boolean },
        options: RunOptions & { runLinter?: unknown },
      ): Promise<LintResult>;
    };
  };
  export default webExt;
}
