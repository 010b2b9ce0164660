// Controls on messages for a conversation's branches (README.md, "The chat page"): the switcher
// "‹ 2/3 ›" on a message with several versions, Edit on the user's messages, Regenerate on the
// last answer. The server keeps every version; the page shows the branch the server reads.

/**
 * Adds a message's tools under its content. `message` is a history entry ({id, role, versions?});
 * `actions` has onSwitch(versionId) and onEdit(message, article).
 */
export function messageTools(article, message, actions) {
  article.dataset.id = message.id;
  const tools = document.createElement('div');
  tools.className = 'tools';
  if (Array.isArray(message.versions) && message.versions.length > 1) {
    tools.append(versionSwitcher(message, actions.onSwitch));
  }
  if (message.role === 'user') {
    tools.append(toolButton('Edit', 'edit', 'Edit this message and send it again', () => actions.onEdit(message, article)));
  }
  article.append(tools);
}

/** Puts Regenerate on the last answer, when it is the last message shown and has been stored (it has an id). */
export function markLastAnswer(container, onRegenerate) {
  container.querySelectorAll('button.regenerate').forEach((b) => b.remove());
  const articles = container.querySelectorAll('article.message');
  const last = articles[articles.length - 1];
  if (!last || !last.classList.contains('assistant') || !last.dataset.id) return;
  let tools = last.querySelector('.tools');
  if (!tools) {
    tools = document.createElement('div');
    tools.className = 'tools';
    last.append(tools);
  }
  tools.append(toolButton('Regenerate', 'regenerate', 'Write this answer again', () => onRegenerate(last.dataset.id)));
}

/** The index (0-based) of a message among its versions, and how many there are. */
export function versionPosition(message) {
  const versions = Array.isArray(message.versions) ? message.versions : [message.id];
  return { index: Math.max(0, versions.indexOf(message.id)), count: versions.length };
}

function versionSwitcher(message, onSwitch) {
  const { index, count } = versionPosition(message);
  const nav = document.createElement('div');
  nav.className = 'versions';
  nav.setAttribute('role', 'group');
  nav.setAttribute('aria-label', 'Versions of this message');
  const previous = toolButton('‹', 'previous-version', 'Previous version', () => onSwitch(message.versions[index - 1]));
  previous.disabled = index === 0;
  const position = document.createElement('span');
  position.className = 'version';
  position.textContent = `${index + 1}/${count}`;
  const next = toolButton('›', 'next-version', 'Next version', () => onSwitch(message.versions[index + 1]));
  next.disabled = index === count - 1;
  nav.append(previous, position, next);
  return nav;
}

function toolButton(text, className, label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `link ${className}`;
  b.textContent = text;
  b.setAttribute('aria-label', `${text}: ${label.charAt(0).toLowerCase()}${label.slice(1)}`); // the visible word first (WCAG 2.5.3)
  b.title = label;
  b.addEventListener('click', onClick);
  return b;
}
