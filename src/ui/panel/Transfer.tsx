/**
 * Export and import: "Export HAR" downloads everything captured for the tab (whatever the
 * filters) at once, through an <a download> link; secrets are redacted per the setting unless
 * "include secrets" is ticked for this export.
 */
import { useState } from "preact/hooks";
import type { Settings } from "../../protocol";
import { downloadHar } from "../common/harExport";
import type { LogAction, LogState } from "../store/log";
import { shownLog } from "../store/log";

export interface TransferProps {
  state: LogState;
  dispatch(action: LogAction): void;
  settings: Settings | null;
}

export function Transfer({ state, settings }: TransferProps) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const log = shownLog(state);
  // redaction applies unless the user opted in for this export (or turned the default off)
  const redact = (settings?.redactByDefault ?? true) && !includeSecrets;

  const onExportHar = () => {
    downloadHar(log, redact);
    setIncludeSecrets(false);
  };
  return (
    <span class="transfer">
      <button type="button" onClick={onExportHar}>
        Export HAR
      </button>
      <label class="check" title="Cookies, Authorization and token-like query values are redacted unless ticked">
        <input type="checkbox" checked={includeSecrets} onChange={(e) => setIncludeSecrets((e.currentTarget as HTMLInputElement).checked)} />
        include secrets
      </label>
    </span>
  );
}
