// Markdown tables, parsed under Node (markdown.js and table.js); rendered in Chromium by rendering.e2e.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../js/markdown.js';
import { splitRow, alignments, startsTable } from '../js/table.js';

const text = (t) => [{ type: 'text', text: t }];

test('a header, a delimiter row with alignments, and body rows up to the first line without a pipe', () => {
  assert.deepEqual(parse('| Name | Qty | Note |\n|:-----|---:|:---:|\n| *tea* | 2 | hot |\n| cake | 10 |\nafter'), [
    {
      type: 'table',
      align: ['left', 'right', 'center'],
      header: [text('Name'), text('Qty'), text('Note')],
      rows: [
        [[{ type: 'em', children: text('tea') }], text('2'), text('hot')],
        [text('cake'), text('10'), []], // a short row is padded
      ],
    },
    { type: 'paragraph', inlines: text('after') },
  ]);
});

test('pipes inside code and escaped pipes do not split cells; outer pipes are optional', () => {
  assert.deepEqual(splitRow('| `a|b` | c \\| d |'), ['`a|b`', 'c | d']);
  assert.deepEqual(splitRow('a | b'), ['a', 'b']);
  assert.equal(splitRow('no pipes here'), null);
  assert.deepEqual(alignments('---|:-:'), [null, 'center']);
  assert.equal(alignments('| a | b |'), null);
});

test('a table interrupts a paragraph; a header whose cell count differs from the delimiter is text', () => {
  const blocks = parse('Here it is:\n| a | b |\n|---|---|\n| 1 | 2 |');
  assert.deepEqual(blocks.map((b) => b.type), ['paragraph', 'table']);
  assert.equal(startsTable(['| a | b | c |', '|---|---|'], 0), false);
  assert.deepEqual(parse('| a | b | c |\n|---|---|').map((b) => b.type), ['paragraph']);
});

test('a long row is cut to the header, and HTML in a cell is text', () => {
  const [table] = parse('| a |\n|---|\n| <b>x</b> | extra |');
  assert.deepEqual(table.rows, [[text('<b>x</b>')]]);
});
