// The settings' placeholders say what an empty field means: the model's own defaults.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, loadModelDefaults, placeholders, modelSummary, samplingSummary } from '../js/defaults.js';

describe('sampling defaults', () => {
  it('names a greedy model as greedy, and the other values as they are', () => {
    assert.deepEqual(placeholders({ temperature: 0, top_p: 1, max_tokens: 256 }), {
      temperature: 'model default: 0 (greedy)', top_p: 'model default: 1', max_tokens: 'server default: 256',
    });
    assert.equal(placeholders({ temperature: 0.7, top_p: 0.9 }).temperature, 'model default: 0.7');
  });

  it('falls back to words when the server does not say', () => {
    assert.deepEqual(placeholders(null), {
      temperature: 'model default', top_p: 'model default', max_tokens: 'server default',
    });
  });

  it('reads GET /v1/models, passing the page token on as the API key', async () => {
    let asked;
    const fetchFn = async (url, init) => {
      asked = { url: String(url), init };
      return { ok: true, json: async () => ({ data: [{ id: 'm', sampling_defaults: { temperature: 0 } }] }) };
    };
    const location = { href: 'http://127.0.0.1:8080/?token=k1', search: '?token=k1' };
    assert.deepEqual(await loadModelDefaults(location, fetchFn), { temperature: 0 });
    assert.equal(asked.url, 'http://127.0.0.1:8080/v1/models');
    assert.equal(asked.init.headers.Authorization, 'Bearer k1');
    assert.equal(await loadModelDefaults(location, async () => ({ ok: false })), null);
    assert.equal(await loadModelDefaults(location, async () => { throw new Error('offline'); }), null);
  });

  it('reads the model\'s name and context, and says them in the header', async () => {
    const body = { data: [{ id: 'tiny-qwen2', max_model_len: 4096, sampling_defaults: { temperature: 0.7 } }] };
    const model = await loadModel({ href: 'http://h/', search: '' }, async () => ({ ok: true, json: async () => body }));
    assert.deepEqual(model, { id: 'tiny-qwen2', contextLength: 4096, defaults: { temperature: 0.7 } });
    assert.equal(modelSummary(model), 'tiny-qwen2 · 4,096-token context');
    assert.equal(modelSummary(null), '');
  });

  it('summarises the sampling a conversation gets: its settings, else the model\'s defaults', () => {
    const defaults = { temperature: 0.7, top_p: 0.9, max_tokens: 256 };
    assert.equal(samplingSummary({}, defaults), 'temperature 0.7 · top-p 0.9 · up to 256 tokens');
    assert.equal(samplingSummary({ top_p: 0.5, max_tokens: 2000 }, defaults), 'temperature 0.7 · top-p 0.5 · up to 2,000 tokens');
    assert.equal(samplingSummary({ temperature: 0 }, defaults), 'temperature 0 (greedy) · up to 256 tokens', 'greedy ignores top-p');
    assert.equal(samplingSummary({}, null), '');
  });
});
