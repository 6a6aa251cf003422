// The benchmark's floor: the same webRequest events and extraInfoSpec as CORS Lens
// (src/platform/listeners.ts, Chromium), with listeners that do nothing. Whatever a page loses
// under this extension is the price of listening at all; CORS Lens's own cost is what it adds.
const filter = { urls: ["<all_urls>"] };
const nothing = () => undefined;
const webRequest = chrome.webRequest;
webRequest.onBeforeRequest.addListener(nothing, filter);
webRequest.onSendHeaders.addListener(nothing, filter, ["requestHeaders", "extraHeaders"]);
webRequest.onHeadersReceived.addListener(nothing, filter, ["responseHeaders", "extraHeaders"]);
webRequest.onBeforeRedirect.addListener(nothing, filter, ["responseHeaders", "extraHeaders"]);
webRequest.onResponseStarted.addListener(nothing, filter);
webRequest.onCompleted.addListener(nothing, filter, ["responseHeaders", "extraHeaders"]);
webRequest.onErrorOccurred.addListener(nothing, filter);
