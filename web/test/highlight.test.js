// The code highlighter's tokens under Node (highlight.js); its spans are checked in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokens, language } from '../js/highlight.js';

/** type:text for highlighted tokens, the text alone for plain ones. */
const marked = (code, lang) => tokens(code, lang).filter((t) => t.type).map((t) => `${t.type}:${t.text}`);

test('tokens join back to the code exactly, in every language and for text it does not know', () => {
  const samples = {
    py: 'def f(x):\n    return x + 1  # add\nprint("a # b", None)\n"""doc\nstring"""',
    js: 'const s = `a${b}`; // c\nif (!ok) foo(0x1F, 2.5e3); /* x */',
    java: 'public static int max(int a) { return a > 0 ? a : -a; } // <b>',
    sql: "SELECT name FROM t WHERE id = 'it''s' -- c",
    rust: "fn main<'a>(x: &'a str) { let y = \"s\"; }",
    nope: 'anything <at> all',
  };
  for (const [lang, code] of Object.entries(samples)) {
    assert.equal(tokens(code, lang).map((t) => t.text).join(''), code, lang);
  }
  assert.deepEqual(tokens('x', 'brainfuck'), [{ type: null, text: 'x' }]);
  assert.equal(language('brainfuck'), null);
});

test('Python: keywords, calls, comments, strings holding comment markers, and literals', () => {
  assert.deepEqual(marked('def f(x):\n    return x + 1  # add one\nprint("a # b", None)', 'python'), [
    'keyword:def', 'function:f', 'keyword:return', 'number:1', 'comment:# add one', 'keyword:print',
    'string:"a # b"', 'literal:None',
  ]);
});

test('JavaScript by any of its names: template strings, block comments, hex and exponent numbers', () => {
  for (const lang of ['js', 'javascript', 'ts', 'TypeScript']) {
    assert.deepEqual(marked('let s = `x // y`; /* c */ n(0x1F, 2.5e3)', lang), [
      'keyword:let', 'string:`x // y`', 'comment:/* c */', 'function:n', 'number:0x1F', 'number:2.5e3',
    ], lang);
  }
});

test('words inside identifiers are not keywords or numbers; SQL keywords are caseless', () => {
  assert.deepEqual(marked('format_int x2 if_', 'python'), []);
  assert.deepEqual(marked("select * From t where a = 'b'", 'sql'), ['keyword:select', 'keyword:From', 'keyword:where', "string:'b'"]);
});

test('unclosed strings and comments (a block still streaming) run to the end of the line or the code', () => {
  assert.deepEqual(marked('x = "open\ny = 2', 'py'), ['string:"open', 'number:2']);
  assert.deepEqual(marked('a /* still', 'c'), ['comment:/* still']);
});
