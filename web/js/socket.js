// The WebSocket to Quill's /ws, kept open: when it drops, it reconnects with exponential backoff
// (0.5 s doubling to 15 s, with jitter, so a restarted server is not hit by every page at once).

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/**
 * Events (EventTarget): 'open', 'message' (detail: the parsed frame), 'close' (detail: {retryInMs}).
 * send() returns false when the socket is not open, and the caller says so to the user.
 */
export class QuillSocket extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.ws = null;
    this.delay = FIRST_DELAY_MS;
    this.timer = null;
  }

  get open() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.timer);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.delay = FIRST_DELAY_MS;
      this.dispatchEvent(new Event('open'));
    });
    ws.addEventListener('message', (e) => {
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return; // the server sends JSON only; anything else is not ours to show
      }
      this.dispatchEvent(new CustomEvent('message', { detail: frame }));
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      const retryInMs = Math.round(this.delay * (0.8 + Math.random() * 0.4));
      this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
      this.timer = setTimeout(() => this.connect(), retryInMs);
      this.dispatchEvent(new CustomEvent('close', { detail: { retryInMs } }));
    });
  }

  /** Reconnects now instead of waiting out the backoff (the user asked to). */
  retryNow() {
    if (!this.open && this.ws?.readyState !== WebSocket.CONNECTING) this.connect();
  }

  send(frame) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }
}

/**
 * ws(s)://this host/ws?client=…, passing on ?token= from the page's own address (auth.api_keys).
 * The server does not read `client` from the address (chats carry it); a load balancer in front
 * of several Quill replicas hashes on it, so this browser's sockets, and the KV cache of its
 * conversations, stay on one replica (docs/DEPLOY.md).
 */
export function socketUrl(location, client) {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (client) url.searchParams.set('client', client);
  const token = new URLSearchParams(location.search).get('token');
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
