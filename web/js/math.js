// TeX math ($…$, $$…$$) as MathML, which Chromium, Firefox and Safari draw natively.
//
// toMathTree(tex) reads a common subset of TeX (what chat models write: fractions, roots,
// scripts, Greek, operators, \text, accents, \left…\right, matrices and cases) into a tree of
// plain objects named for MathML elements: {tag, text?, attrs?, children?}. Tags and attributes
// come only from this file, never from the text, and text goes in as text nodes, so nothing the
// model writes can become markup. Unknown commands are shown as written (\foo), in red.
// renderMath(tex, display, document) builds the DOM with createElementNS.

import { SYMBOLS, FUNCTIONS, ACCENTS, SPACES, DELIMITERS, ENVIRONMENTS, LARGE, doubleStruck } from './math-symbols.js';

const MATHML = 'http://www.w3.org/1998/Math/MathML';
const MAX_DEPTH = 40; // {{{{… from a hostile text would otherwise exhaust the stack
const MAX_LENGTH = 4000;

class TooDeep extends Error {}

const node = (tag, children = [], attrs) => ({ tag, children, ...(attrs ? { attrs } : {}) });
const leaf = (tag, text, attrs) => ({ tag, text, ...(attrs ? { attrs } : {}) });
const row = (children) => (children.length === 1 ? children[0] : node('mrow', children));

/** Tokens: {t: 'cmd', v: name} for \\name or \\symbol, {t: 'char', v} for one character, {t: 'num', v} for digits; each with its offset. */
export function tokenize(tex) {
  const tokens = [];
  const re = /\\([a-zA-Z]+\*?|.)|(\d+(?:\.\d+)?)|(\s+)|([\s\S])/gu;
  for (const m of tex.matchAll(re)) {
    const at = m.index; // where it starts in `tex`, for \text{…} read as written, spaces kept
    if (m[1] !== undefined) tokens.push({ t: 'cmd', v: m[1], at });
    else if (m[2] !== undefined) tokens.push({ t: 'num', v: m[2], at });
    else if (m[4] !== undefined) tokens.push({ t: 'char', v: m[4], at });
  }
  return tokens;
}

/** The MathML tree of `tex`: a {tag: 'math'} node, or null when it is too long or too deeply nested. */
export function toMathTree(tex, display = false) {
  if (tex.length > MAX_LENGTH) return null;
  const p = new Parser(tokenize(tex), display, tex);
  try {
    const children = p.expression(null, 0);
    return node('math', [row(children)], display ? { display: 'block' } : undefined);
  } catch (e) {
    if (e instanceof TooDeep) return null;
    throw e;
  }
}

/** Whether `tok` ends an expression: '}' or ']' (chars), 'right' (\\right), 'cell' (&, \\\\ or \\end). */
function ends(tok, end) {
  if (!end) return false;
  if (end === 'cell') return (tok.t === 'char' && tok.v === '&') || (tok.t === 'cmd' && (tok.v === '\\' || tok.v === 'end'));
  if (end === 'right') return tok.t === 'cmd' && tok.v === 'right';
  return tok.t === 'char' && tok.v === end;
}

class Parser {
  constructor(tokens, display, tex) {
    this.tex = tex;
    this.tokens = tokens;
    this.i = 0;
    this.display = display;
  }

  peek() { return this.tokens[this.i]; }

  next() { return this.tokens[this.i++]; }

  /** Atoms with their scripts until `end` (a char such as '}' or a command such as 'right'), or the end. */
  expression(end, depth) {
    if (depth > MAX_DEPTH) throw new TooDeep();
    const out = [];
    while (this.i < this.tokens.length) {
      const tok = this.peek();
      if (ends(tok, end)) break;
      if (tok.t === 'char' && (tok.v === '^' || tok.v === '_')) {
        this.next();
        const base = out.pop() ?? leaf('mi', '');
        out.push(this.scripts(base, tok.v, depth));
        continue;
      }
      if (tok.t === 'char' && tok.v === '}') { this.next(); continue; } // a stray brace
      const atom = this.atom(depth);
      if (atom) out.push(atom);
    }
    return out;
  }

  /** x^a, x_b, x_b^a, x^a_b: msup, msub, msubsup (munder/mover for large operators shown in display). */
  scripts(base, first, depth) {
    const s = { [first]: this.argument(depth) };
    const other = first === '^' ? '_' : '^';
    const tok = this.peek();
    if (tok?.t === 'char' && tok.v === other) {
      this.next();
      s[other] = this.argument(depth);
    }
    const under = base.large && this.display;
    if (s._ && s['^']) return node(under ? 'munderover' : 'msubsup', [base, s._, s['^']]);
    if (s._) return node(under ? 'munder' : 'msub', [base, s._]);
    return node(under ? 'mover' : 'msup', [base, s['^']]);
  }

  /** One argument: a {group} or a single atom. */
  argument(depth) {
    const tok = this.peek();
    if (!tok) return leaf('mrow', '');
    if (tok.t === 'char' && tok.v === '{') return this.group(depth);
    if (tok.t === 'num' && tok.v.length > 1) { // \frac12: an argument is one digit
      const digit = tok.v[0];
      tok.v = tok.v.slice(1);
      tok.at += 1;
      return leaf('mn', digit);
    }
    return this.atom(depth + 1) ?? node('mrow');
  }

  group(depth) {
    this.next(); // {
    const children = this.expression('}', depth + 1);
    this.next(); // } (absent when the text ends early, as while streaming)
    return row(children);
  }

  /** An optional [argument], as in \sqrt[3]{x}. */
  optional(depth) {
    const tok = this.peek();
    if (!(tok?.t === 'char' && tok.v === '[')) return null;
    this.next();
    const children = this.expression(']', depth + 1);
    this.next();
    return row(children);
  }

  atom(depth) {
    const tok = this.next();
    if (tok.t === 'num') return leaf('mn', tok.v);
    if (tok.t === 'char') {
      if (tok.v === '{') { this.i--; return this.group(depth); }
      if (/\p{L}/u.test(tok.v)) return leaf('mi', tok.v);
      if (tok.v === '&') return null; // a cell break outside an environment
      const ops = { '-': '−', '*': '∗', "'": '′' };
      return leaf('mo', ops[tok.v] ?? tok.v);
    }
    return this.command(tok.v, depth);
  }

  command(name, depth) {
    if (name in SYMBOLS) {
      const [tag, text] = SYMBOLS[name];
      const n = leaf(tag, text);
      if (LARGE.has(name)) n.large = true;
      return n;
    }
    if (FUNCTIONS.has(name)) {
      const n = leaf('mi', name);
      if (name === 'lim' || name === 'max' || name === 'min' || name === 'sup' || name === 'inf') n.large = true;
      return n;
    }
    if (name in SPACES) return leaf('mspace', undefined, { width: SPACES[name] });
    if (name in ACCENTS) {
      const [text, under] = ACCENTS[name];
      const accent = leaf('mo', text, { stretchy: 'true' });
      return node(under ? 'munder' : 'mover', [this.argument(depth), accent], under ? undefined : { accent: 'true' });
    }
    switch (name) {
      case 'frac': case 'dfrac': case 'tfrac':
        return node('mfrac', [this.argument(depth), this.argument(depth)]);
      case 'binom': {
        const fraction = node('mfrac', [this.argument(depth), this.argument(depth)], { linethickness: '0' });
        return node('mrow', [leaf('mo', '('), fraction, leaf('mo', ')')]);
      }
      case 'sqrt': {
        const index = this.optional(depth);
        const body = this.argument(depth);
        return index ? node('mroot', [body, index]) : node('msqrt', [body]);
      }
      case 'text': case 'textrm': case 'textit': case 'textbf': case 'mbox':
        return leaf('mtext', this.rawGroup());
      case 'mathrm': case 'operatorname': case 'operatorname*':
        return leaf('mi', this.rawGroup(), { mathvariant: 'normal' });
      case 'mathbb':
        return leaf('mi', doubleStruck(this.rawGroup()), { mathvariant: 'normal' });
      case 'mathbf': case 'boldsymbol': case 'bm':
        return node('mrow', [this.argument(depth)], { class: 'bold' });
      case 'mathit': case 'mathcal': case 'displaystyle': case 'textstyle':
        return name.startsWith('math') ? this.argument(depth) : null;
      case 'left': case 'right': case 'big': case 'Big': case 'bigl': case 'bigr': case 'Bigl': case 'Bigr':
        return this.delimiter(name, depth);
      case 'begin':
        return this.environment(depth);
      case '\\': // a line break outside an environment: MathML Core has none, so a space
        return leaf('mspace', undefined, { width: '1em' });
      default:
        return leaf('mtext', `\\${name}`, { class: 'unknown' });
    }
  }

  /** \left( … \right): a row between stretching fences. */
  delimiter(name, depth) {
    const fence = (tok) => {
      if (!tok) return '';
      if (tok.t === 'cmd') return DELIMITERS[tok.v] ?? (tok.v.length === 1 ? tok.v : '');
      return tok.v === '.' ? '' : tok.v;
    };
    const open = fence(this.next());
    if (name !== 'left') return leaf('mo', open, { stretchy: 'false' });
    const children = this.expression('right', depth + 1);
    this.next(); // \right
    const close = fence(this.next());
    return node('mrow', [leaf('mo', open, { fence: 'true' }), ...children, leaf('mo', close, { fence: 'true' })]);
  }

  /** \begin{pmatrix} a & b \\ c & d \end{pmatrix}: an mtable, in its fences. */
  environment(depth) {
    const env = this.rawGroup();
    const rows = [];
    let cells = [];
    for (;;) {
      cells.push(node('mtd', [row(this.expression('cell', depth + 1))]));
      const tok = this.next();
      if (!tok) break;
      if (tok.v === '&') continue;
      rows.push(node('mtr', cells));
      cells = [];
      if (tok.v === 'end') {
        this.rawGroup();
        break;
      }
    }
    if (cells.length) rows.push(node('mtr', cells));
    const [open, close, align] = ENVIRONMENTS[env] ?? ['', '', null];
    const table = node('mtable', rows, align ? { columnalign: align } : undefined);
    if (!open && !close) return table;
    return node('mrow', [leaf('mo', open, { fence: 'true' }), table, leaf('mo', close, { fence: 'true' })]);
  }

  /** The text of a {group} as written (for \text and names), or of the next token. */
  rawGroup() {
    const tok = this.peek();
    if (!tok) return '';
    if (!(tok.t === 'char' && tok.v === '{')) return this.next().v;
    const from = this.next().at + 1;
    let to = this.tex.length; // an unclosed group (still streaming) runs to the end
    let level = 0;
    while (this.i < this.tokens.length) {
      const t = this.next();
      if (t.t === 'char' && t.v === '{') level++;
      if (t.t === 'char' && t.v === '}' && level-- === 0) {
        to = t.at;
        break;
      }
    }
    return this.tex.slice(from, to).replace(/\\([{}$%#&_ ])/g, '$1');
  }
}

/**
 * Inline math starting at text[i]: {tex, display, end} for $…$, $$…$$, \\(…\\) or \\[…\\], else null.
 * As in Pandoc, a $ opens only before a non-space and closes only after one, and not before a
 * digit, so "$5 and $10" stays text; the first $ after an opening one must close it, or there is
 * no math there at all. `seen` (one object per text scanned left to right) remembers where each
 * closer was found, so a line of many openers and no closer is searched once, not once for each.
 */
export function mathSpan(text, i, seen = {}) {
  const pairs = [['$$', '$$', true], ['\\(', '\\)', false], ['\\[', '\\]', true]];
  for (const [open, close, display] of pairs) {
    if (!text.startsWith(open, i)) continue;
    if (seen[close] === undefined || (seen[close] >= 0 && seen[close] < i + open.length)) {
      seen[close] = text.indexOf(close, i + open.length);
    }
    const end = seen[close];
    if (end <= i + open.length || !text.slice(i + open.length, end).trim()) return null;
    return { tex: text.slice(i + open.length, end).trim(), display, end: end + close.length };
  }
  if (text[i] !== '$' || !/\S/.test(text[i + 1] ?? ' ')) return null;
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
    } else if (text[j] === '$') {
      if (/\s/.test(text[j - 1]) || /\d/.test(text[j + 1] ?? '')) return null;
      return { tex: text.slice(i + 1, j), display: false, end: j + 1 };
    }
  }
  return null;
}

/** A <math> element for `tex`, or, if it cannot be drawn, the TeX itself in a <code>. */
export function renderMath(tex, display, doc = globalThis.document) {
  const tree = toMathTree(tex, display);
  if (!tree) {
    const code = doc.createElement('code');
    code.className = 'math-source';
    code.textContent = tex;
    return code;
  }
  const math = build(tree, doc);
  math.setAttribute('aria-label', tex); // read as written: screen readers' MathML support varies
  return math;
}

function build(n, doc) {
  const el = doc.createElementNS(MATHML, n.tag);
  for (const [k, v] of Object.entries(n.attrs ?? {})) el.setAttribute(k, v);
  if (n.text !== undefined) el.textContent = n.text;
  for (const c of n.children ?? []) el.append(build(c, doc));
  return el;
}
