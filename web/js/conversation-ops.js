// The conversation operations of the page (README.md, "The chat page"): regenerate, edit and
// switch versions (branches), rename, delete, search and export. The page's state and its
// rendering stay in app.js, which hands them in; the protocol frames are made here.

import { describeError } from './errors.js';
import { params } from './prefs.js';
import { saveExport } from './export.js';

/**
 * `page` gives: state, socket, ui, client, nextId(), liveChat(), streamAnswer(id, content),
 * showBanner(text), openConversation(id), renderList(), requestHistory(), updateComposer(),
 * scrollToEnd(always), resizeInput().
 */
export function conversationOperations(page) {
  const { state, socket, ui, client } = page;
  /** A new version of the answer `answerId` (the last one shown): it replaces the old one on screen. */
  function regenerate(answerId) {
    if (page.liveChat() || !state.conversation) return;
    const id = page.nextId();
    const frame = { type: 'regenerate', id, conversation: state.conversation, message: answerId, params: params(state.settings) };
    if (!socket.send(frame)) {
      page.showBanner(describeError('disconnected'));
      return;
    }
    removeFrom(ui.messages.querySelector(`article[data-id="${CSS.escape(answerId)}"]`));
    page.streamAnswer(id, '');
    page.updateComposer();
    page.scrollToEnd(true);
  }

  /** Editing puts the message in the composer; sending it makes a new version, from which the conversation goes on. */
  function startEdit(message, article) {
    if (page.liveChat()) return;
    state.editing = { id: message.id, article };
    ui.editing.hidden = false;
    ui.input.value = message.content;
    page.resizeInput();
    ui.input.focus();
  }

  function endEdit() {
    state.editing = null;
    if (ui.editing) ui.editing.hidden = true;
  }

  function switchTo(versionId) {
    if (state.conversation && !page.liveChat()) socket.send({ type: 'switch', conversation: state.conversation, message: versionId });
  }

  /** Removes `article` and everything shown after it. */
  function removeFrom(article) {
    while (article?.parentNode === ui.messages) {
      const next = article.nextElementSibling;
      article.remove();
      article = next;
    }
  }

  function renameConversation(id, title) {
    socket.send({ type: 'rename', id: `op-${page.nextId()}`, conversation: id, title, client });
  }

  function deleteConversation(id, title) {
    // eslint-disable-next-line no-alert -- a plain, accessible confirmation
    if (!window.confirm(`Delete “${title || 'Untitled'}”? Every version of its messages is deleted.`)) return;
    socket.send({ type: 'delete', id: `op-${page.nextId()}`, conversation: id, client });
  }

  function search(query) {
    state.search = query;
    if (!query) {
      state.hits = null;
      page.renderList();
    } else {
      socket.send({ type: 'search', id: `op-${page.nextId()}`, client, query });
    }
  }

  function onOperation(frame) {
    if (frame.type === 'deleted') {
      state.conversations = state.conversations.filter((c) => c.id !== frame.conversation);
      if (state.hits) state.hits = state.hits.filter((c) => c.id !== frame.conversation);
      if (frame.conversation === state.conversation) page.openConversation(null);
    } else if (frame.type === 'renamed') {
      for (const list of [state.conversations, state.hits ?? []]) {
        for (const c of list) if (c.id === frame.conversation) c.title = frame.title;
      }
      if (frame.conversation === state.conversation) state.title = frame.title;
    } else if (frame.type === 'search') {
      if (frame.query !== state.search) return; // the user has typed on
      state.hits = frame.items;
    } else if (frame.type === 'switched') {
      if (frame.conversation === state.conversation) page.requestHistory();
    } else if (frame.type === 'export') {
      saveExport(frame);
    }
    page.renderList();
  }

  function exportConversation(format) {
    if (state.conversation) socket.send({ type: 'export', id: `op-${page.nextId()}`, conversation: state.conversation, format });
  }

  return {
    regenerate, startEdit, endEdit, switchTo, removeFrom, onOperation,
    renameConversation, deleteConversation, search, exportConversation,
  };
}
