// The model the server serves and the sampling a chat gets for every setting left empty: the
// model's generation_config.json as the server reads it (GET /v1/models: id, max_model_len,
// "sampling_defaults"). The page shows the model's name and context in its header, the sampling
// the open conversation uses with those defaults filled in, and the defaults in the empty
// settings fields, so "default" says what it means (the demo model's is greedy, temperature 0).

/** The served model: {id, contextLength, defaults}; null when the server does not say. */
export async function loadModel(location, fetchFn = fetch) {
  const headers = {};
  const token = new URLSearchParams(location.search).get('token');
  if (token) headers.Authorization = `Bearer ${token}`; // /v1 needs the key when auth.api_keys is set
  try {
    const response = await fetchFn(new URL('/v1/models', location.href), { headers });
    if (!response.ok) return null;
    const model = (await response.json())?.data?.[0];
    if (!model || typeof model !== 'object') return null;
    const defaults = model.sampling_defaults;
    return {
      id: typeof model.id === 'string' ? model.id : null,
      contextLength: Number.isFinite(model.max_model_len) ? model.max_model_len : null,
      defaults: defaults && typeof defaults === 'object' ? defaults : null,
    };
  } catch {
    return null;
  }
}

/** Only the sampling defaults (null when the server does not say). */
export async function loadModelDefaults(location, fetchFn = fetch) {
  return (await loadModel(location, fetchFn))?.defaults ?? null;
}

const number = (v) => (Number.isFinite(v) ? String(v) : null);
const greedy = (t) => Number(t) < 1e-5;

/** The settings fields' placeholders for those defaults. */
export function placeholders(defaults) {
  const temperature = number(defaults?.temperature);
  const topP = number(defaults?.top_p);
  const maxTokens = number(defaults?.max_tokens);
  return {
    temperature: temperature === null ? 'model default'
      : `model default: ${temperature}${greedy(defaults.temperature) ? ' (greedy)' : ''}`,
    top_p: topP === null ? 'model default' : `model default: ${topP}`,
    max_tokens: maxTokens === null ? 'server default' : `server default: ${maxTokens}`,
  };
}

/** "tiny-qwen2 · 256-token context", or what of it is known. */
export function modelSummary(model) {
  const parts = [];
  if (model?.id) parts.push(model.id);
  if (Number.isFinite(model?.contextLength)) parts.push(`${model.contextLength.toLocaleString('en')}-token context`);
  return parts.join(' · ');
}

/**
 * The sampling a chat gets: each setting the conversation sets, else the model's default, e.g.
 * "temperature 0 (greedy) · top-p 1 · up to 256 tokens". `params` as prefs.params() makes them.
 */
export function samplingSummary(params, defaults) {
  const pick = (key) => (Number.isFinite(params?.[key]) ? params[key] : defaults?.[key]);
  const parts = [];
  const temperature = pick('temperature');
  if (Number.isFinite(temperature)) parts.push(`temperature ${temperature}${greedy(temperature) ? ' (greedy)' : ''}`);
  const topP = pick('top_p');
  if (Number.isFinite(topP) && !greedy(temperature)) parts.push(`top-p ${topP}`); // greedy ignores it
  const maxTokens = pick('max_tokens');
  if (Number.isFinite(maxTokens)) parts.push(`up to ${maxTokens.toLocaleString('en')} tokens`);
  return parts.join(' · ');
}
