/** Saves a Blob as a download (nothing leaves the device: the URL is local to this tab). */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once it started; keep the URL a little for slow starts.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
