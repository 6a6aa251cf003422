/**
 * Options: per-tab bounds, redaction default, preserve-log default, pause, and the sites where
 * nothing is captured. Reads and writes through getSettings / setSettings; each change is
 * saved at once and the worker's answer (the settings it stored) is shown.
 */
import { useEffect, useState } from "preact/hooks";
import type { Settings, Transport } from "../../protocol";
import { Check } from "../common/Check";

/** A host as typed by the user ("https://Bank.example/login" → "bank.example"); null if unusable. */
export function normalizeSite(input: string): string | null {
  const text = input.trim().toLowerCase();
  if (text === "") return null;
  try {
    const host = new URL(text.includes("://") ? text : `http://${text}`).hostname;
    return host === "" ? null : host;
  } catch {
    return null;
  }
}

export function Options({ transport }: { transport: Transport }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState("");
  const [site, setSite] = useState("");
  const [siteError, setSiteError] = useState("");

  useEffect(() => {
    transport.request({ type: "getSettings" }).then(setSettings, (e: unknown) => setError(String(e)));
  }, [transport]);

  const save = (patch: Partial<Settings>) => {
    if (settings) setSettings({ ...settings, ...patch });
    transport.request({ type: "setSettings", settings: patch }).then(
      (s) => {
        setSettings(s);
        setSaved("Saved");
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };

  if (!settings) {
    return <main class="options">{error ? <p class="error">{`Cannot load settings: ${error}`}</p> : <p>Loading…</p>}</main>;
  }

  const addSite = (e: Event) => {
    e.preventDefault();
    const host = normalizeSite(site);
    if (host === null) {
      setSiteError("Enter a host name such as bank.example");
      return;
    }
    setSiteError("");
    setSite("");
    if (!settings.disabledSites.includes(host)) save({ disabledSites: [...settings.disabledSites, host] });
  };

  const number = (value: string, min: number, fallback: number) => {
    const n = Math.floor(Number(value));
    return Number.isFinite(n) && n >= min ? n : fallback;
  };

  return (
    <main class="options">
      <h1>CORS Lens options</h1>
      <p class="status" role="status" aria-live="polite">
        {error ? <span class="error">{error}</span> : saved}
      </p>
      <fieldset>
        <legend>Capture</legend>
        <Check checked={settings.paused} onChange={(paused) => save({ paused })}>
          Pause capture everywhere
        </Check>
        <Check checked={settings.preserveLog} onChange={(preserveLog) => save({ preserveLog })}>
          Preserve log across page loads
        </Check>
      </fieldset>
      <fieldset>
        <legend>Per-tab limits (oldest exchanges are dropped first)</legend>
        <label>
          {"Exchanges per tab "}
          <input
            type="number"
            min={10}
            step={100}
            value={settings.maxExchangesPerTab}
            onChange={(e) => save({ maxExchangesPerTab: number((e.currentTarget as HTMLInputElement).value, 10, settings.maxExchangesPerTab) })}
          />
        </label>
        <label>
          {"Size per tab (MB) "}
          <input
            type="number"
            min={1}
            step={1}
            value={Math.round(settings.maxBytesPerTab / (1024 * 1024))}
            onChange={(e) =>
              save({ maxBytesPerTab: number((e.currentTarget as HTMLInputElement).value, 1, settings.maxBytesPerTab / 1048576) * 1024 * 1024 })
            }
          />
        </label>
      </fieldset>
      <fieldset>
        <legend>Exports</legend>
        <Check checked={settings.redactByDefault} onChange={(redactByDefault) => save({ redactByDefault })}>
          Redact cookies, Authorization and token-like values by default
        </Check>
      </fieldset>
      <fieldset>
        <legend>Sites where nothing is captured</legend>
        <ul class="sites" aria-label="Sites where capture is off">
          {settings.disabledSites.length === 0 ? <li class="muted">none</li> : null}
          {settings.disabledSites.map((s) => (
            <li key={s}>
              <span>{s}</span>
              <button
                type="button"
                aria-label={`Remove ${s}`}
                onClick={() => save({ disabledSites: settings.disabledSites.filter((x) => x !== s) })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form onSubmit={addSite}>
          <input
            type="text"
            aria-label="Site to exclude"
            placeholder="bank.example"
            value={site}
            onInput={(e) => setSite((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit">Add site</button>
          {siteError ? <span class="error">{siteError}</span> : null}
        </form>
      </fieldset>
    </main>
  );
}
