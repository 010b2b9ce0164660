// The server's error codes (README, WebSocket protocol) in words a person can act on.

const WORDS = {
  overloaded: 'The server is busy with other answers right now. Please try again in a moment.',
  store_unavailable: 'Conversations cannot be saved right now (the conversation store is unreachable). Please try again shortly.',
  disconnected: 'The connection to the server was lost, so this answer stopped. Reconnecting…',
  payload_too_large: 'That message is too long to send. Please shorten it.',
  too_many_streams: 'Too many answers are being written at once. Wait for one to finish, or stop it.',
  context_length_exceeded: 'This is more than the model can read at once. Start a new chat, or lower “Max tokens” in the settings.',
  not_found: 'This conversation has expired, or it is not available here. Your next message starts a new chat.',
  invalid_request: 'The server could not accept that request.',
  shutting_down: 'The server is restarting. Please try again in a moment.',
  invalid_json: 'The page and the server do not understand each other (invalid JSON). Reloading the page may help.',
  unknown_type: 'The page and the server do not understand each other (unknown message). Reloading the page may help.',
  binary_not_supported: 'The page and the server do not understand each other (binary frame). Reloading the page may help.',
};

/** A sentence for an error frame; the server's own message is added where it says what to fix. */
export function describeError(code, message) {
  const words = WORDS[code] ?? 'Something went wrong on the server.';
  const detail = code === 'invalid_request' || !(code in WORDS) ? message : '';
  return detail ? `${words} (${detail})` : words;
}
