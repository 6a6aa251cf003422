/**
 * Export and import: "Export HAR" downloads everything captured for the tab (whatever the
 * filters) at once, through an <a download> link; secrets are redacted per the setting unless
 * "include secrets" is ticked for this export.
 */
import { useState } from "preact/hooks";
import type { Settings } from "../../protocol";
import { downloadText } from "../common/download";
import { downloadHar, jsonDownload, readImport } from "../common/harExport";
import type { LogAction, LogState } from "../store/log";
import { shownLog } from "../store/log";

export interface TransferProps {
  state: LogState;
  dispatch(action: LogAction): void;
  settings: Settings | null;
}

export function Transfer({ state, dispatch, settings }: TransferProps) {
  const [importError, setImportError] = useState("");
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const log = shownLog(state);
  // redaction applies unless the user opted in for this export (or turned the default off)
  const redact = (settings?.redactByDefault ?? true) && !includeSecrets;

  const onExportHar = () => {
    downloadHar(log, redact);
    setIncludeSecrets(false);
  };

  const onExportJson = () => {
    const { fileName, text } = jsonDownload(log, redact);
    downloadText(fileName, text, "application/json");
    setIncludeSecrets(false);
  };

  const onImport = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    try {
      const imported = readImport(await file.text());
      setImportError("");
      dispatch({ type: "import", name: file.name, log: imported });
    } catch (err) {
      setImportError(`Cannot import ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <span class="transfer">
      <button type="button" onClick={onExportHar}>
        Export HAR
      </button>
      <button type="button" onClick={onExportJson}>
        Export JSON
      </button>
      <label class="check" title="Cookies, Authorization and token-like query values are redacted unless ticked">
        <input type="checkbox" checked={includeSecrets} onChange={(e) => setIncludeSecrets((e.currentTarget as HTMLInputElement).checked)} />
        include secrets
      </label>
      <label class="file-button">
        Import HAR
        <input type="file" accept=".har,.json,application/json" aria-label="Import HAR" onChange={onImport} />
      </label>
      {importError ? (
        <span class="error" role="alert">
          {importError}
        </span>
      ) : null}
    </span>
  );
}
