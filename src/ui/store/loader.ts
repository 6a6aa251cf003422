/**
 * Pulling full entries from the worker (protocol.ts getEntries): the rows came first, the
 * entries follow a slice of ENTRIES_PER_REQUEST at a time with one request in flight, so the
 * worker never spends more than a few milliseconds on one (events wait behind it), and a page
 * reconnecting after a worker restart pulls only the entries whose rev changed.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { DiagnosedExchange } from "../../cors/model";
import { ENTRIES_PER_REQUEST, type ExchangeRow, type Transport } from "../../protocol";
import { detailOf, type LogAction, type LogData } from "./log";

/** Asks the worker for entries by id and parses its answer (JSON text). */
export async function fetchEntries(transport: Transport, tabId: number, ids: string[]): Promise<DiagnosedExchange[]> {
  const { json } = await transport.request({ type: "getEntries", tabId, ids });
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error("getEntries: not an array");
  return parsed.filter((e): e is DiagnosedExchange => typeof e === "object" && e !== null && typeof e.exchange?.id === "string");
}

/** How many rows have their current full entry. */
export function detailCount(log: LogData): number {
  if (log.details.size === 0) return 0;
  let n = 0;
  for (const row of log.rows) if (detailOf(log, row) !== undefined) n++;
  return n;
}

/** The next ids to pull: `first` (the selected exchange) before the rest in log order, without
 * the rows already asked for at their current rev (`asked`: id → rev). */
export function nextSlice(log: LogData, first: string | null, asked: ReadonlyMap<string, string>, size = ENTRIES_PER_REQUEST): ExchangeRow[] {
  const out: ExchangeRow[] = [];
  const wanted = (row: ExchangeRow | undefined): row is ExchangeRow => row !== undefined && asked.get(row.id) !== row.rev && detailOf(log, row) === undefined;
  const priority = first === null ? undefined : log.rows[log.index.get(first) ?? -1];
  if (wanted(priority)) out.push(priority);
  for (const row of log.rows) {
    if (out.length >= size) break;
    if (row !== priority && wanted(row)) out.push(row);
  }
  return out;
}

/** Every entry of a log in row order: those held and, pulled now (when a transport is given),
 * the others (exports). Rows whose exchange the worker no longer has are left out. */
export async function gatherEntries(transport: Transport | null, log: LogData): Promise<DiagnosedExchange[]> {
  const pulled = new Map<string, DiagnosedExchange>();
  const missing = log.rows.filter((row) => detailOf(log, row) === undefined).map((row) => row.id);
  if (missing.length > 0 && log.tabId !== null && transport !== null) {
    for (let i = 0; i < missing.length; i += ENTRIES_PER_REQUEST) {
      for (const entry of await fetchEntries(transport, log.tabId, missing.slice(i, i + ENTRIES_PER_REQUEST))) pulled.set(entry.exchange.id, entry);
    }
  }
  const out: DiagnosedExchange[] = [];
  for (const row of log.rows) {
    const entry = detailOf(log, row) ?? pulled.get(row.id);
    if (entry) out.push(entry);
  }
  return out;
}

const RETRY_MS = 500;

/** The panel's background pull: keeps requesting the entries the live log lacks (the selected
 * one first) until it holds them all; a failed request (worker stopped) is retried. The next
 * request goes as soon as an answer comes, before the page stores and draws that answer, so
 * that the worker makes the next slice meanwhile (it was one slice per frame or two). */
export function useEntryLoader(transport: Transport, log: LogData, selectedId: string | null, dispatch: (action: LogAction) => void): void {
  const busy = useRef(false);
  const asked = useRef(new Map<string, string>());
  const [retry, setRetry] = useState(0);
  const mounted = useRef(true);
  const latest = useRef({ log, selectedId });
  latest.current = { log, selectedId };
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  // log and selectedId are read through `latest`; a change of either is a reason to look again
  useEffect(() => {
    const pull = () => {
      const { log: current, selectedId: first } = latest.current;
      const tabId = current.tabId;
      if (busy.current || tabId === null || !mounted.current) return;
      const slice = nextSlice(current, first, asked.current);
      if (slice.length === 0) return;
      busy.current = true;
      for (const row of slice) asked.current.set(row.id, row.rev);
      fetchEntries(
        transport,
        tabId,
        slice.map((row) => row.id),
      ).then(
        (entries) => {
          busy.current = false;
          pull();
          dispatch({ type: "entries", tabId, entries });
        },
        () => {
          busy.current = false;
          for (const row of slice) asked.current.delete(row.id);
          setTimeout(() => mounted.current && setRetry((n) => n + 1), RETRY_MS);
        },
      );
    };
    pull();
  }, [transport, log, selectedId, dispatch, retry]);
}
