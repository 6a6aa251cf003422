/**
 * Downloads straight away with the given file name: an `<a download>` link to a Blob URL
 * (no save-as dialog, works in the DevTools panel, the popup and a normal tab).
 */
export function downloadText(fileName: string, text: string, mime: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = doc.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  a.style.display = "none";
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // the download has started from the click; revoking later keeps slow browsers safe
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
