// The sampling a chat gets for every setting left empty: the model's generation_config.json as the
// server reads it (GET /v1/models, "sampling_defaults"), shown in the empty settings fields so the
// page says what "default" means (the demo model's is greedy, temperature 0).

/** Fetches the served model's defaults; null when the server does not say (the fields then read "model default"). */
export async function loadModelDefaults(location, fetchFn = fetch) {
  const headers = {};
  const token = new URLSearchParams(location.search).get('token');
  if (token) headers.Authorization = `Bearer ${token}`; // /v1 needs the key when auth.api_keys is set
  try {
    const response = await fetchFn(new URL('/v1/models', location.href), { headers });
    if (!response.ok) return null;
    const body = await response.json();
    const defaults = body?.data?.[0]?.sampling_defaults;
    return defaults && typeof defaults === 'object' ? defaults : null;
  } catch {
    return null;
  }
}

/** The settings fields' placeholders for those defaults. */
export function placeholders(defaults) {
  const number = (v) => (Number.isFinite(v) ? String(v) : null);
  const temperature = number(defaults?.temperature);
  const topP = number(defaults?.top_p);
  const maxTokens = number(defaults?.max_tokens);
  return {
    temperature: temperature === null ? 'model default'
      : `model default: ${temperature}${defaults.temperature < 1e-5 ? ' (greedy)' : ''}`,
    top_p: topP === null ? 'model default' : `model default: ${topP}`,
    max_tokens: maxTokens === null ? 'server default' : `server default: ${maxTokens}`,
  };
}
