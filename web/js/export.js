// Exporting a conversation: the server writes it (Markdown of the branch shown, or JSON of every
// branch) and the page saves what it sends as a file, made in the browser: nothing is fetched.

const TYPES = { md: 'text/markdown;charset=utf-8', json: 'application/json' };

/** Saves an `export` frame ({filename, format, content}) as a download. */
export function saveExport(frame, doc = document) {
  const blob = new Blob([frame.content], { type: TYPES[frame.format] ?? 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = safeFileName(frame.filename, frame.format);
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // after the browser has taken the file
}

/** The server names files after the conversation id; anything else is replaced, so a name is never a path. */
export function safeFileName(name, format) {
  const clean = String(name ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 120);
  return clean || `conversation.${format === 'json' ? 'json' : 'md'}`;
}
