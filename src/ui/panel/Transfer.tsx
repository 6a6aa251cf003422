/**
 * Export and import: "Export HAR" downloads everything captured for the tab (whatever the
 * filters) at once, through an <a download> link; secrets are redacted per the setting unless
 * "include secrets" is ticked for this export. The live log's full entries the page does not
 * hold yet are pulled from the worker first (a few milliseconds per ENTRIES_PER_REQUEST).
 */
import { useState } from "preact/hooks";
import type { Settings, Transport } from "../../protocol";
import { Check } from "../common/Check";
import { downloadText } from "../common/download";
import { downloadHar, jsonDownload, type LogLike, readImport } from "../common/harExport";
import { gatherEntries } from "../store/loader";
import type { LogAction, LogState } from "../store/log";
import { shownLog } from "../store/log";
import { Fold } from "./Fold";

export interface TransferProps {
  /** pulls the entries of a live log the page does not hold yet; without it (a log whose
   * entries are all held, e.g. imported) exports take what is held */
  transport?: Transport;
  state: LogState;
  dispatch(action: LogAction): void;
  settings: Settings | null;
  /** narrow panel: everything but "Export HAR" (the main action, always one click away) folds
   * into a menu */
  folded?: boolean;
}

export function Transfer({ transport, state, dispatch, settings, folded = false }: TransferProps) {
  const [importError, setImportError] = useState("");
  const [exportError, setExportError] = useState("");
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const log = shownLog(state);
  // redaction applies unless the user opted in for this export (or turned the default off)
  const redact = (settings?.redactByDefault ?? true) && !includeSecrets;

  /** Every entry of the shown log, then the download. */
  const exporting = async (write: (full: LogLike) => void) => {
    try {
      const entries = await gatherEntries(transport ?? null, log);
      write({ tabId: log.tabId, pageUrl: log.pageUrl, entries, dropped: log.dropped });
      setExportError("");
    } catch (err) {
      setExportError(`Cannot export: ${err instanceof Error ? err.message : String(err)}`);
    }
    setIncludeSecrets(false);
  };

  const onExportHar = () => exporting((full) => downloadHar(full, redact));

  const onExportJson = () =>
    exporting((full) => {
      const { fileName, text } = jsonDownload(full, redact);
      downloadText(fileName, text, "application/json");
    });

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
      <Fold id="toolbar-transfer" label="JSON, import" folded={folded} closeOnAction>
        <button type="button" onClick={onExportJson}>
          Export JSON
        </button>
        <Check checked={includeSecrets} onChange={setIncludeSecrets} title="Cookies, Authorization and token-like query values are redacted unless ticked">
          include secrets
        </Check>
        <label class="file-button">
          Import HAR
          <input type="file" accept=".har,.json,application/json" aria-label="Import HAR" onChange={onImport} />
        </label>
      </Fold>
      {exportError ? (
        <span class="error" role="alert">
          {exportError}
        </span>
      ) : null}
      {importError ? (
        <span class="error" role="alert">
          {importError}
        </span>
      ) : null}
    </span>
  );
}
