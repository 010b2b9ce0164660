// The chat page: one WebSocket to Quill, the conversation list from the server, the open
// conversation's history and its streaming answers. Protocol: README.md, "WebSocket protocol".

import { QuillSocket, socketUrl } from './socket.js';
import { clientId, loadSettings, saveSettings, params, EMPTY_SETTINGS } from './prefs.js';
import { describeError } from './errors.js';
import { loadModel, placeholders, modelSummary, samplingSummary } from './defaults.js';
import {
  messageElement, setContent, setStreaming, setFinished, setFailed, setProgress,
} from './view.js';
import { laterStage, progressWords } from './progress.js';
import { bindKeys } from './keys.js';
import { messageTools, markLastAnswer } from './branches.js';
import { renderSidebar, searchBox } from './sidebar.js';
import { conversationOperations } from './conversation-ops.js';

const $ = (id) => document.getElementById(id);
const ui = {
  list: $('conversation-list'), listEmpty: $('conversation-empty'), newChat: $('new-chat'),
  title: $('conversation-title'), status: $('status'), retry: $('retry'),
  banner: $('banner'), bannerText: $('banner-text'), bannerClose: $('banner-close'),
  messages: $('messages'), form: $('composer'), input: $('input'), send: $('send'), stop: $('stop'),
  settingsToggle: $('settings-toggle'), settings: $('settings'), settingsForm: $('settings-form'),
  system: $('system'), systemNote: $('system-note'), modelInfo: $('model-info'), samplingInfo: $('sampling-info'),
  search: $('search'), exportMd: $('export-md'), exportJson: $('export-json'),
  editing: $('editing'), editCancel: $('edit-cancel'),
};

const client = clientId();
const socket = new QuillSocket(socketUrl(location, client));

const state = {
  conversation: null, // the open conversation's id; null for a new chat not yet started
  view: 0, // counts opened views, so a start that arrives after the user moved on changes nothing
  settings: { ...EMPTY_SETTINGS }, // the open conversation's (or the new chat's draft)
  started: false, // whether the open conversation has messages: its system prompt is then fixed
  first: 0, // index in the conversation of the oldest message shown (history comes in pages)
  conversations: [], // the server's list, newest first
  chats: new Map(), // chat id -> {id, view, conversation, content, article, text, started, stage}
  model: null, // {id, contextLength, defaults} from GET /v1/models, once it has come
  title: null, // the open conversation's title, as its history names it (for one opened by link)
  editing: null, // the user message being edited: {id, article}; the next send makes a new version of it
  search: '', // the sidebar's query; its hits are shown while it is not empty
  hits: null,
};
let chatCounter = 0;
const nextId = () => `c${Date.now().toString(36)}-${++chatCounter}`;
const ops = conversationOperations({
  state, socket, ui, client, nextId, liveChat, streamAnswer, showBanner, openConversation, renderList,
  requestHistory, updateComposer, scrollToEnd, resizeInput,
});
const { regenerate, startEdit, endEdit, switchTo, removeFrom } = ops;

// ---- opening conversations ----

function conversationFromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  return id || null;
}

function openConversation(id, { push = true } = {}) {
  if (push && id !== conversationFromHash()) {
    history.pushState(null, '', id ? `#${encodeURIComponent(id)}` : location.pathname + location.search);
  }
  const previous = state.settings;
  state.conversation = id;
  state.view++;
  state.started = false;
  state.first = 0;
  state.title = null;
  endEdit();
  // a new chat keeps the sampling settings of the one before it, but starts without a system prompt
  state.settings = id ? loadSettings(id) : { ...previous, system: '' };
  ui.messages.replaceChildren();
  if (id) {
    ui.messages.append(note('Loading the conversation…'));
    requestHistory();
  } else {
    ui.messages.append(note('Ask anything. Answers stream in as they are written.'));
  }
  showSettings();
  renderList();
  updateComposer();
}

function requestHistory() {
  // with the client id, so that a conversation opened by link joins this browser's list
  if (state.conversation) socket.send({ type: 'history', conversation: state.conversation, client });
}

/** Asks for the page before the oldest message shown (the server sends history in pages). */
function requestOlder() {
  if (state.conversation && state.first > 0) {
    socket.send({ type: 'history', conversation: state.conversation, before: state.first });
  }
}

function historyElements(messages) {
  const elements = [];
  for (const m of messages) {
    const article = messageElement(m.role, m.content);
    if (m.role === 'assistant') setFinished(article, m.finish_reason, m.timings ?? null, m.usage ?? null);
    messageTools(article, m, { onSwitch: switchTo, onEdit: startEdit });
    if (m.role === 'system') showFixedSystemPrompt(m.content);
    elements.push(article);
    if (m.truncated) {
      const cut = document.createElement('p');
      cut.className = 'cut';
      cut.textContent = 'This message is too long to show whole: only its start is shown.';
      elements.push(cut);
    }
  }
  return elements;
}

/** A button above the oldest message shown, while older ones are on the server. */
function olderButton(more) {
  ui.messages.querySelector('.older')?.remove();
  if (!more) return;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link older';
  button.textContent = 'Show older messages';
  button.addEventListener('click', requestOlder);
  ui.messages.prepend(button);
}

function showHistory(frame) {
  if (frame.conversation !== state.conversation) return; // the user has moved on
  const first = frame.first ?? 0; // a server without paging sends the whole history
  if (frame.before != null) {
    if (frame.before !== state.first) return; // not the page before what is shown now
    const height = ui.messages.scrollHeight;
    ui.messages.querySelector('.older')?.remove();
    ui.messages.prepend(...historyElements(frame.messages));
    state.first = first;
    olderButton(frame.more);
    ui.messages.scrollTop += ui.messages.scrollHeight - height; // keep the reader where they were
    return;
  }
  ui.messages.replaceChildren(...historyElements(frame.messages));
  markLastAnswer(ui.messages, regenerate);
  state.title = frame.title ?? null;
  if (state.title && !state.conversations.some((c) => c.id === frame.conversation)) {
    // opened by link: the server has put it in this browser's list too
    state.conversations = [{ id: frame.conversation, title: state.title, updated: Date.now() }, ...state.conversations];
  }
  renderList();
  state.first = first;
  olderButton(frame.more);
  state.started = frame.messages.length > 0;
  for (const chat of state.chats.values()) {
    if (chat.conversation === state.conversation) ui.messages.append(chat.article); // still being written
  }
  if (!frame.messages.length && !liveChat()) {
    ui.messages.append(note('This conversation is empty. A message starts it.'));
  }
  showSettings();
  scrollToEnd(true);
  updateComposer();
}

/**
 * The open conversation is not on the server (expired, or another key's): the server never makes
 * one from an id the page sends, so the next message starts a new chat.
 */
function conversationGone(keepMessages) {
  const gone = state.conversation;
  state.conversation = null;
  state.started = false;
  history.replaceState(null, '', location.pathname + location.search);
  state.conversations = state.conversations.filter((c) => c.id !== gone);
  if (!keepMessages) {
    ui.messages.replaceChildren(note('This conversation has expired, or it is not available here. A message starts a new chat.'));
  }
  showSettings();
  renderList();
  updateComposer();
}

function note(text) {
  const p = document.createElement('p');
  p.className = 'note';
  p.textContent = text;
  return p;
}

// ---- sending and streaming ----

function send() {
  const content = ui.input.value;
  if (!content.trim() || liveChat()) return;
  const id = nextId();
  const editing = state.conversation ? state.editing : null;
  const frame = { type: editing ? 'edit' : 'chat', id, client, content, params: params(state.settings) };
  if (editing) frame.message = editing.id;
  const system = state.settings.system.trim();
  if (state.conversation) {
    frame.conversation = state.conversation;
  }
  if (!state.started && system) frame.system = system; // the first message of a conversation carries it
  if (!socket.send(frame)) {
    showBanner(describeError('disconnected'));
    return;
  }
  ui.messages.querySelectorAll('.note').forEach((n) => n.remove());
  if (editing) {
    removeFrom(editing.article); // the edited message and what followed it: a new branch starts there
    endEdit();
  }
  if (frame.system) ui.messages.append(messageElement('system', system));
  ui.messages.append(messageElement('user', content));
  streamAnswer(id, content);
  state.started = true;
  ui.input.value = '';
  resizeInput();
  showSettings();
  updateComposer();
  scrollToEnd(true);
}

/** A new answer being written at the end of the open conversation, for chat `id`. */
function streamAnswer(id, content) {
  const article = messageElement('assistant');
  setStreaming(article);
  ui.messages.append(article);
  const chat = {
    id, view: state.view, conversation: state.conversation, settings: state.settings, content, article, text: '', started: false,
  };
  state.chats.set(id, chat);
  showProgress(chat, 'sent');
}

/** The chat being written in the open view, if any: one answer at a time per conversation. */
function liveChat() {
  for (const chat of state.chats.values()) {
    if (chat.view === state.view || (state.conversation && chat.conversation === state.conversation)) return chat;
  }
  return null;
}

function stop() {
  const chat = liveChat();
  if (chat && socket.send({ type: 'cancel', id: chat.id })) {
    chat.stage = null; // no more progress over "Stopping…"
    chat.article.querySelector('.meta').textContent = 'Stopping…';
  }
}

function onStart(frame) {
  const chat = state.chats.get(frame.id);
  if (!chat) return;
  chat.started = true;
  chat.conversation = frame.conversation;
  chat.article.dataset.model = frame.model ?? '';
  chat.promptTokens = frame.prompt_tokens;
  showProgress(chat, 'queued');
  if (chat.view === state.view && state.conversation === null) {
    // the server named the new chat: it is now this conversation, with the draft settings
    state.conversation = frame.conversation;
    history.replaceState(null, '', `#${encodeURIComponent(frame.conversation)}`);
  }
  saveSettings(frame.conversation, chat.view === state.view ? state.settings : chat.settings);
  const known = state.conversations.find((c) => c.id === frame.conversation);
  state.conversations = [
    { id: frame.conversation, title: known?.title ?? titleOf(chat.content), updated: Date.now() },
    ...state.conversations.filter((c) => c.id !== frame.conversation),
  ];
  renderList();
}

/** As the server makes a title (ConversationSummary.titleOf), until its list arrives. */
function titleOf(content) {
  const line = content.trim().replace(/\s+/g, ' ');
  const chars = Array.from(line);
  return chars.length <= 60 ? line : `${chars.slice(0, 59).join('').trimEnd()}…`;
}

/** Before the first token: the answer's stage, moving only forward, in its meta line. */
function showProgress(chat, stage, frame) {
  if (!chat.text && chat.stage !== null) {
    chat.stage = laterStage(chat.stage, stage);
    if (frame) chat.computed = frame.computed;
    setProgress(chat.article, chat.stage, progressWords(chat.stage, chat));
  }
}

function onDelta(frame) {
  const chat = state.chats.get(frame.id);
  if (!chat) return;
  if (!chat.text && chat.stage) {
    chat.stage = null;
    setProgress(chat.article, '', ''); // the first token: the text shows where it is now
  }
  chat.text += frame.text;
  if (!chat.frame) {
    // re-render at most once a frame: tokens can arrive faster than the screen refreshes
    chat.frame = requestAnimationFrame(() => {
      chat.frame = 0;
      setContent(chat.article, chat.text);
      scrollToEnd(false);
    });
  }
}

function onDone(frame) {
  const chat = endChat(frame.id);
  if (!chat) return;
  setFinished(chat.article, frame.finish_reason, frame.timings, frame.usage);
  scrollToEnd(false);
  if (chat.conversation && chat.conversation === state.conversation) requestHistory(); // the stored ids and versions
  socket.send({ type: 'conversations', client }); // the server's order and titles
}

function onError(frame) {
  // An error without an id answers the oldest chat not yet started, when that is what it is about
  // (a message too large is refused before the server can read its id).
  let id = frame.id;
  if (!id && ['payload_too_large', 'invalid_json'].includes(frame.code)) {
    id = [...state.chats.values()].find((c) => !c.started)?.id;
  }
  if (frame.code === 'unknown_id') return; // a Stop that crossed the answer's end
  if (!id && frame.code === 'not_found') {
    if (frame.conversation && frame.conversation === state.conversation) conversationGone(false); // its history
    return;
  }
  const chat = id ? endChat(id) : null;
  if (!chat) {
    showBanner(describeError(frame.code, frame.message));
    return;
  }
  setFailed(chat.article, describeError(frame.code, frame.message));
  if (frame.code === 'not_found' && chat.conversation && chat.conversation === state.conversation) conversationGone(true);
  if (!chat.started && frame.code === 'payload_too_large' && !ui.input.value) {
    ui.input.value = chat.content; // not sent: give it back to shorten
    resizeInput();
  }
}

function endChat(id) {
  const chat = state.chats.get(id);
  if (!chat) return null;
  state.chats.delete(id);
  cancelAnimationFrame(chat.frame);
  setContent(chat.article, chat.text);
  updateComposer();
  return chat;
}

// ---- the model: its name and context in the header, its defaults in the empty settings fields ----

loadModel(location).then((model) => {
  state.model = model;
  for (const [name, text] of Object.entries(placeholders(model?.defaults))) ui.settingsForm.elements[name].placeholder = text;
  ui.modelInfo.textContent = modelSummary(model);
  showSampling();
});

/** The sampling the open conversation uses, with the model's defaults filled in. */
function showSampling() {
  ui.samplingInfo.textContent = samplingSummary(params(state.settings), state.model?.defaults);
}

// ---- the connection ----

socket.addEventListener('open', () => {
  setStatus('connected', 'Connected');
  socket.send({ type: 'conversations', client });
  requestHistory();
  updateComposer();
});

socket.addEventListener('close', (e) => {
  const seconds = Math.max(1, Math.round(e.detail.retryInMs / 1000));
  setStatus('disconnected', `Disconnected — reconnecting in ${seconds} s`);
  // the server cancels what a closed socket was streaming (and stores it as cancelled)
  for (const id of [...state.chats.keys()]) setFailed(endChat(id).article, describeError('disconnected'));
  updateComposer();
});

socket.addEventListener('message', (e) => {
  const frame = e.detail;
  switch (frame.type) {
    case 'start': onStart(frame); break;
    case 'progress': {
      const chat = state.chats.get(frame.id);
      if (chat) showProgress(chat, 'prefill', frame);
      break;
    }
    case 'delta': onDelta(frame); break;
    case 'done': onDone(frame); break;
    case 'error': onError(frame); break;
    case 'history': showHistory(frame); break;
    case 'conversations':
      state.conversations = frame.items;
      renderList();
      break;
    case 'deleted': case 'renamed': case 'search': case 'switched': case 'export': ops.onOperation(frame); break;
    default: break; // a newer server's message this page does not know
  }
});

function setStatus(name, text) {
  ui.status.dataset.state = name;
  ui.status.textContent = text;
  ui.retry.hidden = name !== 'disconnected';
}

function showBanner(text) {
  ui.bannerText.textContent = text;
  ui.banner.hidden = false;
}

// ---- the rest of the page ----

function renderList() {
  renderSidebar(ui.list, state.conversations, state.conversation, {
    onOpen: (id) => openConversation(id), onRename: ops.renameConversation, onDelete: ops.deleteConversation,
  }, state.hits);
  ui.listEmpty.hidden = (state.hits ?? state.conversations).length > 0;
  ui.listEmpty.textContent = state.hits ? 'Nothing found.' : 'No conversations yet.';
  const current = state.conversations.find((c) => c.id === state.conversation);
  ui.title.textContent = state.conversation ? (current?.title ?? state.title ?? 'Conversation') : 'New chat';
  ui.exportMd.disabled = ui.exportJson.disabled = !state.conversation;
}

function updateComposer() {
  const live = liveChat();
  ui.stop.hidden = !live;
  ui.send.hidden = !!live;
  ui.send.disabled = !socket.open;
}

function showSettings() {
  for (const key of Object.keys(EMPTY_SETTINGS)) ui.settingsForm.elements[key].value = state.settings[key] ?? '';
  ui.system.readOnly = state.started;
  showSampling();
  ui.systemNote.textContent = state.started
    ? 'Fixed once a conversation has started; start a new chat to change it.'
    : 'Sent with the first message of a conversation.';
}

function showFixedSystemPrompt(text) {
  state.settings = { ...state.settings, system: text };
}

function scrollToEnd(always) {
  const m = ui.messages;
  if (always || m.scrollHeight - m.scrollTop - m.clientHeight < 120) m.scrollTop = m.scrollHeight; // unless the reader scrolled up
}

function resizeInput() {
  ui.input.style.height = 'auto';
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 240)}px`;
}

ui.form.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
bindKeys(document, ui.input, { send, stop, live: () => !!liveChat() });
document.addEventListener('quill:edit-last', (e) => {
  if (liveChat()) return;
  const users = ui.messages.querySelectorAll('article.message.user[data-id]');
  const last = users[users.length - 1]?.querySelector('button.edit');
  if (last) {
    e.preventDefault();
    last.click(); // the last message of the user's, to edit
  }
});
ui.input.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !liveChat() && state.editing) {
    endEdit();
    ui.input.value = '';
    resizeInput();
  }
});
searchBox(ui.search, ops.search);
ui.exportMd.addEventListener('click', () => ops.exportConversation('md'));
ui.exportJson.addEventListener('click', () => ops.exportConversation('json'));
ui.editCancel.addEventListener('click', () => {
  endEdit();
  ui.input.value = '';
  resizeInput();
});
ui.input.addEventListener('input', resizeInput);
ui.stop.addEventListener('click', stop);
ui.newChat.addEventListener('click', () => {
  openConversation(null);
  ui.input.focus();
});
ui.retry.addEventListener('click', () => socket.retryNow());
ui.bannerClose.addEventListener('click', () => { ui.banner.hidden = true; });
ui.settingsToggle.addEventListener('click', () => {
  const open = ui.settings.hidden;
  ui.settings.hidden = !open;
  ui.settingsToggle.setAttribute('aria-expanded', String(open));
  if (open) ui.settingsForm.elements.temperature.focus();
});
ui.settingsForm.addEventListener('input', () => {
  const values = Object.fromEntries(Object.keys(EMPTY_SETTINGS).map((k) => [k, ui.settingsForm.elements[k].value]));
  if (state.started) values.system = state.settings.system;
  state.settings = values;
  if (state.conversation) saveSettings(state.conversation, values);
  showSampling();
});
ui.settingsForm.addEventListener('submit', (e) => e.preventDefault());
window.addEventListener('hashchange', () => {
  const id = conversationFromHash();
  if (id !== state.conversation) openConversation(id, { push: false });
});

openConversation(conversationFromHash(), { push: false });
socket.connect();
