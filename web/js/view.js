// DOM for messages and the conversation list. Every piece of text from the user, the model or
// the server goes in through textContent, text nodes or the Markdown renderer, never as markup.

import { render } from './markdown.js';
import { answerText, copyButton } from './copy.js';

const ROLE_LABELS = { user: 'You', assistant: 'Quill', system: 'System prompt' };

const FINISH_LABELS = {
  length: 'Cut off at the max tokens limit',
  cancelled: 'Stopped',
  error: 'Interrupted by an error',
};

/**
 * One message: <article class="message {role}" data-state="streaming|done|error"> with a role
 * label, the content and a meta line (finish reason, timings, or progress before the first
 * token); an answer also has a Copy button for its Markdown.
 */
export function messageElement(role, text = '') {
  const article = document.createElement('article');
  article.className = `message ${role}`;
  article.dataset.state = 'done';
  const label = document.createElement('h3');
  label.className = 'role';
  label.textContent = ROLE_LABELS[role] ?? role;
  const content = document.createElement('div');
  content.className = 'content';
  const meta = document.createElement('p');
  meta.className = 'meta';
  article.append(label, content, meta);
  if (role === 'assistant') {
    const actions = document.createElement('div');
    actions.className = 'actions';
    actions.append(copyButton('answer', () => answerText(article.source)));
    article.append(actions);
  }
  setContent(article, text);
  return article;
}

/** Replaces the shown text: Markdown for answers, plain text (newlines kept by CSS) for the rest. */
export function setContent(article, text) {
  const content = article.querySelector('.content');
  article.source = text; // what Copy copies
  if (article.classList.contains('assistant')) {
    content.replaceChildren(render(text));
  } else {
    content.textContent = text;
  }
}

/** Marks an answer as being written: screen readers wait for aria-busy to clear before reading it. */
export function setStreaming(article) {
  article.dataset.state = 'streaming';
  article.setAttribute('aria-busy', 'true');
}

/** The end of an answer: why it ended, unless it simply finished, and how fast it came. */
export function setFinished(article, finishReason, timings, usage) {
  article.dataset.state = 'done';
  article.dataset.finish = finishReason ?? '';
  delete article.dataset.progress;
  article.removeAttribute('aria-busy');
  const meta = article.querySelector('.meta');
  meta.replaceChildren();
  const label = FINISH_LABELS[finishReason];
  if (label) meta.append(span('finish', label));
  if (timings) {
    const parts = [`first token ${formatNumber(timings.time_to_first_token_ms, 0)} ms`];
    if (timings.tokens_per_second > 0) parts.push(`${formatNumber(timings.tokens_per_second, 1)} tokens/s`);
    if (usage) parts.push(`${usage.completion_tokens} tokens`);
    meta.append(span('stats', parts.join(' · ')));
  }
}

/**
 * Before the first token: where the answer is (progress.js words it). Shown in the meta line,
 * which the first text clears; data-progress lets styles and tests see the stage.
 */
export function setProgress(article, stage, words) {
  if (article.dataset.state !== 'streaming') return;
  article.dataset.progress = stage ?? '';
  article.querySelector('.meta').replaceChildren(...(words ? [span('progress', words)] : []));
}

/** An answer that failed: the error in plain words, after whatever text had arrived. */
export function setFailed(article, words) {
  article.dataset.state = 'error';
  delete article.dataset.progress;
  article.removeAttribute('aria-busy');
  const meta = article.querySelector('.meta');
  meta.replaceChildren(span('error-text', words));
}

function span(className, text) {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}

function formatNumber(n, digits) {
  return Number(n ?? 0).toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The sidebar's list: one button per conversation, the open one marked with aria-current. */
export function renderConversationList(ul, items, currentId, onOpen) {
  ul.replaceChildren(...items.map((item) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'conversation';
    button.dataset.id = item.id;
    if (item.id === currentId) button.setAttribute('aria-current', 'page');
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = item.title || 'Untitled';
    const time = document.createElement('time');
    const updated = new Date(item.updated);
    time.dateTime = updated.toISOString();
    time.textContent = shortTime(updated);
    button.append(title, time);
    button.addEventListener('click', () => onOpen(item.id));
    li.append(button);
    return li;
  }));
}

function shortTime(date) {
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
