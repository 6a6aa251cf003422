/** The panel's store in a hook: the reducer of log.ts fed by the live feed of one tab. */
import { useEffect, useReducer } from "preact/hooks";
import type { PortClientMessage, Transport } from "../../protocol";
import { openFeed } from "./feed";
import { initialState, type LogAction, type LogState, reduce } from "./log";

/** `detail`: "full" keeps every live change's full entry (panel); "rows" only the rows (popup). */
export function useLog(transport: Transport, tabId: number, detail: PortClientMessage["detail"]): [LogState, (action: LogAction) => void] {
  const [state, dispatch] = useReducer(reduce, tabId, initialState);
  useEffect(() => {
    const feed = openFeed(
      transport,
      tabId,
      detail,
      (message) => dispatch({ type: "server", message }),
      (connection) => dispatch({ type: "connection", connection }),
    );
    return () => feed.close();
  }, [transport, tabId, detail]);
  return [state, dispatch];
}
