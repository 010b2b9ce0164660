// The keyboard's actions (keys.js); pressed in Chromium by rendering.e2e.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyAction } from '../js/keys.js';

const key = (k, mods = {}) => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...mods });
const inInput = { inInput: true, inputEmpty: false, live: false, hasSearch: true };

test('Enter sends from the message box, Shift+Enter is a new line, an input method composing keeps its Enter', () => {
  assert.equal(keyAction(key('Enter'), inInput), 'send');
  assert.equal(keyAction(key('Enter', { ctrlKey: true }), inInput), 'send');
  assert.equal(keyAction(key('Enter', { shiftKey: true }), inInput), null);
  assert.equal(keyAction(key('Enter', { isComposing: true }), inInput), null);
  assert.equal(keyAction(key('Enter'), { ...inInput, inInput: false }), null, 'Enter on a button is the button\'s');
});

test('Escape stops only while an answer is written, from anywhere', () => {
  assert.equal(keyAction(key('Escape'), { ...inInput, inInput: false, live: true }), 'stop');
  assert.equal(keyAction(key('Escape'), { ...inInput, live: false }), null);
});

test('Ctrl+K or Cmd+K goes to the search when the page has one', () => {
  assert.equal(keyAction(key('k', { ctrlKey: true }), { ...inInput, inInput: false }), 'search');
  assert.equal(keyAction(key('K', { metaKey: true }), inInput), 'search');
  assert.equal(keyAction(key('k', { ctrlKey: true }), { ...inInput, hasSearch: false }), null, 'the browser keeps its own Ctrl+K');
  assert.equal(keyAction(key('k'), inInput), null);
});

test('arrow-up asks to edit the last message only from an empty message box', () => {
  assert.equal(keyAction(key('ArrowUp'), { ...inInput, inputEmpty: true }), 'edit-last');
  assert.equal(keyAction(key('ArrowUp'), inInput), null, 'in a draft it moves the caret');
  assert.equal(keyAction(key('ArrowUp'), { ...inInput, inInput: false, inputEmpty: true }), null);
});
