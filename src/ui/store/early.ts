/**
 * The live port opened before the UI renders: a page that knows its tab at once (the panel)
 * connects and subscribes as the very first thing its script does, so that the worker builds
 * and posts the rows while the page is still rendering its first frame. The first connect()
 * of the feed (feed.ts, in an effect that runs after that frame) adopts this port with the
 * messages it already received, and its own subscribe — the same one — is not sent again
 * (the worker would post every row twice). Any later connect (a reconnect), or one made after
 * the early port closed, is an ordinary connect of the transport.
 */
import type { PortClientMessage, PortServerMessage, Transport } from "../../protocol";

type Port = ReturnType<Transport["connect"]>;

export function withEarlyPort(transport: Transport, subscribe: PortClientMessage): Transport {
  const buffered: PortServerMessage[] = [];
  let onMessage: ((message: PortServerMessage) => void) | null = null;
  let onDisconnect: (() => void) | null = null;
  let disconnected = false;
  let adopted = false;
  let early: Port | null = null;
  try {
    early = transport.connect(
      (message) => {
        if (onMessage) onMessage(message);
        else buffered.push(message);
      },
      () => {
        disconnected = true;
        onDisconnect?.();
      },
    );
    early.post(subscribe);
  } catch {
    early = null;
  }

  return {
    request: (message) => transport.request(message),
    connect(message, disconnect) {
      if (adopted || early === null || disconnected) {
        if (!adopted && early !== null) early.close();
        adopted = true;
        return transport.connect(message, disconnect);
      }
      adopted = true;
      const port = early;
      let skip = true;
      onMessage = message;
      onDisconnect = disconnect;
      for (const m of buffered.splice(0)) message(m);
      return {
        post(m: PortClientMessage) {
          if (skip && m.type === subscribe.type && m.tabId === subscribe.tabId && m.detail === subscribe.detail) {
            skip = false;
            return;
          }
          skip = false;
          port.post(m);
        },
        close() {
          port.close();
        },
      };
    },
  };
}
