// What the page keeps in localStorage: its client id (the key of its conversation list on the
// server) and each conversation's settings. A conversation's messages live on the server only.

const CLIENT_KEY = 'quill.client';
const SETTINGS_PREFIX = 'quill.settings.';

/** Sampling left empty means "the model's default"; the system prompt is sent with a conversation's first message. */
export const EMPTY_SETTINGS = Object.freeze({ temperature: '', top_p: '', max_tokens: '', system: '' });

/** This browser's client id, made once: 'k-' and 32 hex digits (getRandomValues works on plain http too). */
export function clientId(storage = localStorage) {
  let id = storage.getItem(CLIENT_KEY);
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = 'k-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    storage.setItem(CLIENT_KEY, id);
  }
  return id;
}

export function loadSettings(conversationId, storage = localStorage) {
  try {
    const saved = JSON.parse(storage.getItem(SETTINGS_PREFIX + conversationId) ?? 'null');
    return { ...EMPTY_SETTINGS, ...(saved && typeof saved === 'object' ? saved : {}) };
  } catch {
    return { ...EMPTY_SETTINGS };
  }
}

export function saveSettings(conversationId, settings, storage = localStorage) {
  try {
    storage.setItem(SETTINGS_PREFIX + conversationId, JSON.stringify(settings));
  } catch {
    // storage full or disabled: the settings still apply to this page until it is reloaded
  }
}

/** The chat message's params from the settings form's strings; empty fields are left to the server. */
export function params(settings) {
  const out = {};
  for (const [key, parse] of [['temperature', Number.parseFloat], ['top_p', Number.parseFloat], ['max_tokens', (s) => Number.parseInt(s, 10)]]) {
    const value = parse(String(settings[key] ?? '').trim());
    if (Number.isFinite(value)) out[key] = value;
  }
  return out;
}
