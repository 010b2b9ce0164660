// The sidebar's conversation operations: rename and delete on each conversation, and search over
// titles and messages (the server searches this browser's list). Text goes in as text only.

import { renderConversationList } from './view.js';

/** How long typing must pause before a search is sent. */
const SEARCH_DELAY_MS = 200;
/** As the server's limits (ConversationSummary, ConversationSearch): refused, not cut, beyond them. */
export const MAX_TITLE_LENGTH = 100;
export const MAX_QUERY_LENGTH = 200;

/**
 * The list, with Rename and Delete beside each conversation, or, while a search is shown, its
 * hits with the matching text under each title. `actions`: onOpen(id), onRename(id, title), onDelete(id, title).
 */
export function renderSidebar(ul, items, currentId, actions, hits = null) {
  renderConversationList(ul, hits ?? items, currentId, actions.onOpen);
  const shown = hits ?? items;
  ul.querySelectorAll(':scope > li').forEach((li, i) => {
    const item = shown[i];
    if (hits && item.snippet) {
      const p = document.createElement('p');
      p.className = 'snippet';
      p.textContent = item.snippet;
      li.querySelector('button.conversation').append(p);
    }
    const tools = document.createElement('div');
    tools.className = 'conversation-tools';
    tools.append(
      listButton('Rename', 'rename', `Rename “${item.title || 'Untitled'}”`, () => startRename(li, item, actions.onRename)),
      listButton('Delete', 'delete', `Delete “${item.title || 'Untitled'}”`, () => actions.onDelete(item.id, item.title)),
    );
    li.append(tools);
  });
}

/** Swaps a conversation's title for a text field: Enter renames, Escape (or leaving it) cancels. */
function startRename(li, item, onRename) {
  const input = document.createElement('input');
  input.type = 'text';
  input.className = 'rename-input';
  input.value = item.title || '';
  input.maxLength = MAX_TITLE_LENGTH;
  input.setAttribute('aria-label', 'New title');
  const button = li.querySelector('button.conversation');
  button.hidden = true;
  li.prepend(input);
  input.focus();
  input.select();
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    const title = input.value.trim().replace(/\s+/g, ' ');
    input.remove();
    button.hidden = false;
    if (save && title && title !== item.title) onRename(item.id, title);
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      finish(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      finish(false);
    }
  });
  input.addEventListener('blur', () => finish(false));
}

function listButton(text, className, label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `link ${className}`;
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

/**
 * The search field: calls onQuery(text) once typing pauses, and onQuery('') when it is emptied
 * (or Escape clears it), so the page shows the plain list again.
 */
export function searchBox(input, onQuery) {
  let timer = 0;
  input.maxLength = MAX_QUERY_LENGTH;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const query = input.value.trim();
    timer = setTimeout(() => onQuery(query), query ? SEARCH_DELAY_MS : 0);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && input.value) {
      e.preventDefault();
      input.value = '';
      clearTimeout(timer);
      onQuery('');
    }
  });
}
