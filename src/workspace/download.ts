// Offers text as a file download (export, recovery data).
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Chromium reads the blob asynchronously after click(); revoke a little later.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A file name from a workflow id or name: letters, digits, dashes. */
export function fileNameFor(base: string, suffix = '.json'): string {
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'workflow'}${suffix}`;
}
