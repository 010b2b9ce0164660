// The page's keyboard: in the message box, Enter sends and Shift+Enter starts a new line;
// anywhere, Escape stops the answer being written and Ctrl+K (Cmd+K on a Mac) focuses the
// conversation search (an element with id "search", when the page has one). Arrow-up in an empty
// message box asks to edit the last message: the page dispatches a cancelable CustomEvent
// 'quill:edit-last' on document, which the module that edits messages handles (and cancels).

/** The action for a keydown, or null. `where`: {inInput, inputEmpty, live, hasSearch}. */
export function keyAction(e, where) {
  if (e.isComposing || e.altKey) return null; // an input method is composing: its Enter is not ours
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.shiftKey && e.key.toLowerCase() === 'k') return where.hasSearch ? 'search' : null;
  if (where.inInput && e.key === 'Enter' && !e.shiftKey) return 'send'; // Ctrl/Cmd+Enter too
  if (mod) return null;
  if (e.key === 'Escape') return where.live ? 'stop' : null;
  if (!where.inInput) return null;
  if (e.key === 'ArrowUp' && !e.shiftKey && where.inputEmpty) return 'edit-last';
  return null;
}

/**
 * Listens on `doc` for the keys above. `actions`: {send(), stop(), live()}; search and edit-last
 * are done here.
 */
export function bindKeys(doc, input, actions) {
  doc.addEventListener('keydown', (e) => {
    const search = doc.getElementById('search');
    const action = keyAction(e, {
      inInput: e.target === input, inputEmpty: input.value === '', live: actions.live(), hasSearch: !!search,
    });
    if (!action) return;
    e.preventDefault();
    if (action === 'send') actions.send();
    else if (action === 'stop') actions.stop();
    else if (action === 'search') {
      search.focus();
      search.select?.();
    } else if (action === 'edit-last') {
      doc.dispatchEvent(new CustomEvent('quill:edit-last', { cancelable: true }));
    }
  });
}
