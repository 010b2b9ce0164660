// An answer's progress before its first token, in words (progress.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { laterStage, progressWords } from '../js/progress.js';

test('stages only move forward: a start that comes after a progress frame leaves it at prefill', () => {
  assert.equal(laterStage(undefined, 'sent'), 'sent');
  assert.equal(laterStage('sent', 'queued'), 'queued');
  assert.equal(laterStage('prefill', 'queued'), 'prefill');
  assert.equal(laterStage('queued', 'prefill'), 'prefill');
});

test('each stage in words, with the prompt\'s size and how much of it is read', () => {
  assert.equal(progressWords('sent'), 'Sending…');
  assert.equal(progressWords('queued', { promptTokens: 1200 }), 'Queued: a 1,200 token prompt waits for a free slot…');
  assert.equal(progressWords('queued', {}), 'Queued: waiting for a free slot…');
  assert.equal(progressWords('prefill', { promptTokens: 2048, computed: 0 }), 'Reading the prompt (2,048 tokens)…');
  assert.equal(progressWords('prefill', { promptTokens: 2048, computed: 512 }), 'Reading the prompt: 25% (512 of 2,048 tokens)…');
  assert.equal(progressWords('prefill', { promptTokens: 10, computed: 99 }), 'Reading the prompt: 100% (10 of 10 tokens)…');
  assert.equal(progressWords(null), '');
});
