// The Markdown parser's tree, under Node (no DOM). The DOM it renders to is checked in Chromium
// by chat-page.e2e.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseInline } from '../js/markdown.js';

const text = (t) => ({ type: 'text', text: t });

test('paragraphs split on blank lines; a single newline is a line break', () => {
  assert.deepEqual(parse('one\ntwo\n\nthree'), [
    { type: 'paragraph', inlines: [text('one'), { type: 'break' }, text('two')] },
    { type: 'paragraph', inlines: [text('three')] },
  ]);
});

test('bold, italic and inline code, nested where Markdown nests them', () => {
  assert.deepEqual(parseInline('a **b *c*** `d *e*` *f*'), [
    text('a '),
    { type: 'strong', children: [text('b '), { type: 'em', children: [text('c')] }] },
    text(' '),
    { type: 'code', text: 'd *e*' },
    text(' '),
    { type: 'em', children: [text('f')] },
  ]);
});

test('a run of three stars closes a strong and an emphasis together', () => {
  assert.deepEqual(parseInline('*a **b***'), [
    { type: 'em', children: [text('a '), { type: 'strong', children: [text('b')] }] },
  ]);
  assert.deepEqual(parseInline('***z***'), [{ type: 'strong', children: [{ type: 'em', children: [text('z')] }] }]);
});

test('unclosed or spaced markers, escapes and underscores stay text', () => {
  assert.deepEqual(parseInline('2 * 3 * 4, **open, \\*lit\\*, snake_case __init__, `tick'), [
    text('2 * 3 * 4, **open, *lit*, snake_case __init__, `tick'),
  ]);
});

test('fenced code keeps its text verbatim, and an unclosed fence runs to the end (streaming)', () => {
  assert.deepEqual(parse('```js\nif (a < b) { x = "**no**"; }\n```\nafter'), [
    { type: 'code', lang: 'js', text: 'if (a < b) { x = "**no**"; }' },
    { type: 'paragraph', inlines: [text('after')] },
  ]);
  assert.deepEqual(parse('```\nstill\nstreaming'), [{ type: 'code', lang: '', text: 'still\nstreaming' }]);
});

test('headings, lists with continuation lines, and quotes', () => {
  assert.deepEqual(parse('## Title ##\n- a\n  more\n- *b*\n\n3. c\n4. d\n> quoted'), [
    { type: 'heading', level: 2, inlines: [text('Title')] },
    {
      type: 'list', ordered: false, start: 1, items: [
        [text('a'), { type: 'break' }, text('more')],
        [{ type: 'em', children: [text('b')] }],
      ],
    },
    { type: 'list', ordered: true, start: 3, items: [[text('c')], [text('d')]] },
    { type: 'quote', blocks: [{ type: 'paragraph', inlines: [text('quoted')] }] },
  ]);
});

test('HTML is text to the parser: it produces no node that could become markup', () => {
  const tree = parse('<img src=x onerror="alert(1)"> and <script>alert(2)</script>');
  assert.deepEqual(tree, [{
    type: 'paragraph',
    inlines: [text('<img src=x onerror="alert(1)"> and <script>alert(2)</script>')],
  }]);
});
