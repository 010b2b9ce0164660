// Where an answer is before its first token, in words. Stages only move forward:
//   sent     the page has sent the message; the server builds the prompt (its workers may be busy)
//   queued   the server has stored the turn ('start'); the engine has not yet taken it into a slot
//   prefill  the engine is reading the prompt ('progress' frames: computed of prompt_tokens)
// A 'start' that arrives after a 'progress' frame leaves the answer at prefill.

const ORDER = ['sent', 'queued', 'prefill'];

/** The later of two stages (either may be null). */
export function laterStage(a, b) {
  return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
}

/** What the answer's meta line says at `stage`; promptTokens and computed as the server sent them. */
export function progressWords(stage, { promptTokens, computed } = {}) {
  const tokens = (n) => `${Number(n).toLocaleString('en')} token${n === 1 ? '' : 's'}`;
  switch (stage) {
    case 'sent':
      return 'Sending…';
    case 'queued':
      return Number.isFinite(promptTokens)
        ? `Queued: a ${tokens(promptTokens).replace(/s$/, '')} prompt waits for a free slot…`
        : 'Queued: waiting for a free slot…';
    case 'prefill': {
      if (!Number.isFinite(promptTokens) || promptTokens <= 0) return 'Reading the prompt…';
      const done = Math.max(0, Math.min(computed ?? 0, promptTokens));
      const percent = Math.floor((100 * done) / promptTokens);
      return done === 0
        ? `Reading the prompt (${tokens(promptTokens)})…`
        : `Reading the prompt: ${percent}% (${done.toLocaleString('en')} of ${tokens(promptTokens)})…`;
    }
    default:
      return '';
  }
}
