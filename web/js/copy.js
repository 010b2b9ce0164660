// Copy buttons: the answer (its Markdown, as the model wrote it) and each code block (its code,
// verbatim). The Clipboard API needs a secure context (https, or localhost); served over plain
// http to another host, the page falls back to a selected textarea and execCommand('copy').

/** What "Copy" on an answer copies: its Markdown source, without the whitespace around it. */
export function answerText(source) {
  return String(source ?? '').trim();
}

/** What "Copy" on a code block copies: the code between the fences, verbatim. */
export function codeText(block) {
  return block.text;
}

/** Puts `text` on the clipboard; resolves to whether it got there. */
export async function writeClipboard(text, nav = globalThis.navigator, doc = globalThis.document) {
  try {
    await nav.clipboard.writeText(text);
    return true;
  } catch {
    return doc ? legacyCopy(text, doc) : false;
  }
}

function legacyCopy(text, doc) {
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  doc.body.append(area);
  area.select();
  try {
    return doc.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/**
 * A "Copy" button whose accessible name says what it copies ("Copy answer"); after a click it
 * reads "Copied" (or "Copy failed") for two seconds, its name following the visible word, and
 * the page's live region says so to screen readers.
 */
export function copyButton(what, getText, doc = globalThis.document) {
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'copy';
  const show = (word) => {
    button.textContent = word;
    button.setAttribute('aria-label', `${word} ${what}`); // starts with the visible word, as speech input expects
  };
  show('Copy');
  button.addEventListener('click', async () => {
    const ok = await writeClipboard(getText(), doc.defaultView?.navigator, doc);
    show(ok ? 'Copied' : 'Copy failed');
    button.dataset.copied = String(ok);
    announce(doc, ok ? 'Copied to the clipboard' : 'Could not copy: the browser refused');
    clearTimeout(button.reset);
    button.reset = setTimeout(() => show('Copy'), 2000); // feedback, not synchronisation
  });
  return button;
}

/** Says `text` through the page's polite live region (#announce), if it has one. */
export function announce(doc, text) {
  const region = doc.getElementById('announce');
  if (!region) return;
  region.textContent = '';
  region.textContent = text;
}
