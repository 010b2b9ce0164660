// TeX to MathML trees under Node (math.js); drawn in Chromium by rendering.e2e.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toMathTree, mathSpan } from '../js/math.js';
import { parse, parseInline } from '../js/markdown.js';

/** The tree as compact text: tag(children) or tag:text, to compare structure without noise. */
function show(n) {
  if (n.text !== undefined) return `${n.tag}:${n.text}`;
  return `${n.tag}(${(n.children ?? []).map(show).join(' ')})`;
}
const mathml = (tex, display) => show(toMathTree(tex, display));

test('scripts, fractions, roots and Greek letters', () => {
  assert.equal(mathml('x^2 + y_i^2'), 'math(mrow(msup(mi:x mn:2) mo:+ msubsup(mi:y mi:i mn:2)))');
  assert.equal(mathml('\\frac{a}{b} - \\sqrt[3]{x}'), 'math(mrow(mfrac(mi:a mi:b) mo:− mroot(mi:x mn:3)))');
  assert.equal(mathml('\\frac12\\alpha'), 'math(mrow(mfrac(mn:1 mn:2) mi:α))');
  assert.equal(mathml('e^{i\\pi}'), 'math(msup(mi:e mrow(mi:i mi:π)))');
});

test('large operators take their limits above and below in display math only', () => {
  assert.equal(mathml('\\sum_{i=1}^n i', true), 'math(mrow(munderover(mo:∑ mrow(mi:i mo:= mn:1) mi:n) mi:i))');
  assert.equal(mathml('\\sum_{i=1}^n i', false), 'math(mrow(msubsup(mo:∑ mrow(mi:i mo:= mn:1) mi:n) mi:i))');
  assert.deepEqual(toMathTree('x', true).attrs, { display: 'block' });
});

test('text keeps its spaces; matrices, cases and fences become tables and rows', () => {
  assert.equal(mathml('\\text{if } x'), 'math(mrow(mtext:if  mi:x))');
  assert.equal(mathml('\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}'),
    'math(mrow(mo:( mtable(mtr(mtd(mi:a) mtd(mi:b)) mtr(mtd(mi:c) mtd(mi:d))) mo:)))');
  assert.equal(mathml('\\left( x \\right)'), 'math(mrow(mo:( mi:x mo:)))');
  assert.equal(mathml('\\mathbb{R}^n'), 'math(msup(mi:ℝ mi:n))');
});

test('an unknown command is shown as written; a half-written formula (streaming) still renders', () => {
  assert.equal(mathml('\\foo{x}'), 'math(mrow(mtext:\\foo mi:x))');
  assert.equal(mathml('\\frac{a}{'), 'math(mfrac(mi:a mrow()))');
});

test('hostile nesting and length give no tree (the TeX is then shown as code), never a stack overflow', () => {
  assert.equal(toMathTree('{'.repeat(10_000)), null);
  assert.equal(toMathTree('x'.repeat(5000)), null);
  assert.equal(toMathTree('<script>alert(1)</script>').children[0].children.filter((c) => c.tag === 'mi').length, 17,
    'letters are identifiers; < and > are operators: no element is named by the text');
});

test('$ opens math only before a non-space and closes only after one, not before a digit', () => {
  assert.deepEqual(mathSpan('$x^2$ is', 0), { tex: 'x^2', display: false, end: 5 });
  assert.equal(mathSpan('$5 and $10', 0), null);
  assert.equal(mathSpan('$ x$', 0), null);
  assert.deepEqual(mathSpan('\\(a\\)', 0), { tex: 'a', display: false, end: 5 });
  assert.deepEqual(parseInline('costs $5, or \\$6, and $a+b$'), [
    { type: 'text', text: 'costs $5, or $6, and ' },
    { type: 'math', tex: 'a+b', display: false },
  ]);
});

test('$$ and \\[ blocks, on one line or several; an unclosed one runs to the end while streaming', () => {
  assert.deepEqual(parse('$$\nE = mc^2\n$$\nafter'), [
    { type: 'math', tex: 'E = mc^2' },
    { type: 'paragraph', inlines: [{ type: 'text', text: 'after' }] },
  ]);
  assert.deepEqual(parse('\\[ a^2 \\]'), [{ type: 'math', tex: 'a^2' }]);
  assert.deepEqual(parse('$$\n\\int_0^1'), [{ type: 'math', tex: '\\int_0^1' }]);
  assert.deepEqual(parse('`$x$` stays code'), [
    { type: 'paragraph', inlines: [{ type: 'code', text: '$x$' }, { type: 'text', text: ' stays code' }] },
  ]);
});

test('a line of many openers and no closer is searched for its closer once, and stays text', () => {
  const seen = {};
  assert.equal(mathSpan('\\( a \\( b', 0, seen), null);
  assert.equal(seen['\\)'], -1, 'remembered: no closer after this point');
  assert.equal(mathSpan('\\( a \\( b', 5, seen), null);
  assert.deepEqual(parseInline('\\('.repeat(20_000)), [{ type: 'text', text: '('.repeat(20_000) }]);
});
