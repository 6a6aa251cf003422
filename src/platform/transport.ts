/**
 * The real Transport of the extension pages: one-shot requests over runtime.sendMessage, the
 * live log over a runtime port named PORT_NAME. Reconnection is the caller's job (the UI's
 * feed re-subscribes with backoff when onDisconnect fires).
 */
import {
  PORT_NAME,
  type PortClientMessage,
  type PortServerMessage,
  type RequestMessage,
  type RequestType,
  type ResponseOf,
  type Transport,
} from "../protocol";

/** The worker answers a failed request with `{ error }` instead of a response. */
function errorOf(response: unknown): string | null {
  if (typeof response === "object" && response !== null && "error" in response) {
    const error = (response as { error: unknown }).error;
    return typeof error === "string" ? error : "request failed";
  }
  return null;
}

export function createRuntimeTransport(runtime: typeof chrome.runtime = chrome.runtime): Transport {
  return {
    async request<K extends RequestType>(message: RequestMessage<K>): Promise<ResponseOf<K>> {
      const response: unknown = await runtime.sendMessage(message);
      if (response === undefined) throw new Error(`no answer to ${message.type} (worker not listening)`);
      const error = errorOf(response);
      if (error !== null) throw new Error(error);
      return response as ResponseOf<K>;
    },
    connect(onMessage: (message: PortServerMessage) => void, onDisconnect: () => void) {
      const port = runtime.connect({ name: PORT_NAME });
      let open = true;
      port.onMessage.addListener((message: unknown) => {
        if (open) onMessage(message as PortServerMessage);
      });
      port.onDisconnect.addListener(() => {
        if (!open) return;
        open = false;
        // reading lastError marks it handled (Chromium logs "Unchecked runtime.lastError" otherwise)
        void runtime.lastError;
        onDisconnect();
      });
      return {
        post(message: PortClientMessage) {
          if (!open) return;
          try {
            port.postMessage(message);
          } catch {
            // the port died between the check and the call: report it as a disconnect
            open = false;
            onDisconnect();
          }
        },
        close() {
          if (!open) return;
          open = false;
          port.disconnect();
        },
      };
    },
  };
}
