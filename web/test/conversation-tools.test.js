// Unit tests of the pure parts of the conversation tools: where a message stands among its
// versions, and the file name an export is saved under.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { versionPosition } from '../js/branches.js';
import { safeFileName } from '../js/export.js';

describe('versionPosition', () => {
  it('counts a message among its versions, from 0', () => {
    assert.deepEqual(versionPosition({ id: 'b', versions: ['a', 'b', 'c'] }), { index: 1, count: 3 });
  });

  it('reads a message without versions as the only one', () => {
    assert.deepEqual(versionPosition({ id: 'a' }), { index: 0, count: 1 });
  });

  it('does not break on a list that misses the message', () => {
    assert.deepEqual(versionPosition({ id: 'x', versions: ['a', 'b'] }), { index: 0, count: 2 });
  });
});

describe('safeFileName', () => {
  it('keeps the server\'s names', () => {
    assert.equal(safeFileName('conv-1b2c.md', 'md'), 'conv-1b2c.md');
  });

  it('never makes a path or a hidden file', () => {
    assert.equal(safeFileName('../../etc/passwd', 'md'), '_.._etc_passwd');
    assert.equal(safeFileName('.bashrc', 'json'), 'bashrc');
  });

  it('falls back to a plain name', () => {
    assert.equal(safeFileName('', 'json'), 'conversation.json');
    assert.equal(safeFileName(undefined, 'md'), 'conversation.md');
  });
});
