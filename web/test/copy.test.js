// What the Copy buttons copy, and how it reaches the clipboard (copy.js); clicked in Chromium by
// rendering.e2e.test.js, which reads the real clipboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerText, codeText, writeClipboard } from '../js/copy.js';
import { parse } from '../js/markdown.js';

test('an answer copies as its Markdown source; a code block as its code, verbatim', () => {
  const source = '\nHere:\n\n```html\n<b>x</b>\n  indented\n```\n\n| a |\n|---|\n| 1 |\n';
  assert.equal(answerText(source), source.trim());
  assert.equal(answerText(undefined), '');
  const code = parse(source).find((b) => b.type === 'code');
  assert.equal(codeText(code), '<b>x</b>\n  indented');
});

test('writes through the Clipboard API, and reports a refusal when there is no fallback', async () => {
  const written = [];
  const nav = { clipboard: { writeText: async (t) => { written.push(t); } } };
  assert.equal(await writeClipboard('hello', nav, null), true);
  assert.deepEqual(written, ['hello']);
  const refusing = { clipboard: { writeText: async () => { throw new Error('NotAllowedError'); } } };
  assert.equal(await writeClipboard('x', refusing, null), false);
  assert.equal(await writeClipboard('x', {}, null), false, 'no Clipboard API at all (plain http)');
});
