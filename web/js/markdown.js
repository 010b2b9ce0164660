// A small Markdown renderer for chat messages that cannot inject HTML.
//
// parse(text) turns the text into a tree of plain objects; render(text, document) builds DOM
// nodes from that tree with createElement and text nodes only. No string ever becomes markup:
// "<img src=x onerror=...>" in a model's answer is shown as those characters. parse() touches no
// DOM, so it is tested under Node; render() is tested in the browser.
//
// What it understands: paragraphs (a single newline is a line break, as in chat), # headings,
// fenced ``` code blocks (an unclosed fence runs to the end, so a block renders while it streams;
// highlighted by highlight.js, with a Copy button), - * + and 1. lists, > quotes, | tables |
// (table.js), $…$ and $$…$$ math, also \(…\) and \[…\] (math.js, as MathML), **bold**, *italic*,
// `inline code`, and backslash escapes. Underscores are left alone: in chats about code,
// snake_case and __init__ are names, not emphasis.

import { startsTable, parseTable, renderTable } from './table.js';
import { mathSpan, renderMath } from './math.js';
import { renderCode } from './codeblock.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const BLANK = /^\s*$/;
const MATH_OPEN = /^ {0,3}(\$\$|\\\[)(.*)$/; // $$ or \[ starting a line
const MATH_CLOSE = { $$: '$$', '\\[': '\\]' };

/** Block tree of a Markdown text: [{type: 'paragraph'|'heading'|'code'|'list'|'quote'|'table'|'math', ...}]. */
export function parse(text) {
  return parseBlocks(String(text).replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines) {
  const blocks = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (BLANK.test(line)) {
      i++;
    } else if ((m = FENCE.exec(line))) {
      const fence = m[1];
      const body = [];
      i++;
      while (i < lines.length && !closesFence(lines[i], fence)) body.push(lines[i++]);
      i++; // the closing fence, if there is one
      blocks.push({ type: 'code', lang: m[2] || '', text: body.join('\n') });
    } else if ((m = HEADING.exec(line))) {
      blocks.push({ type: 'heading', level: m[1].length, inlines: parseInline(m[2]) });
      i++;
    } else if (QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        body.push(m[1]);
        i++;
      }
      blocks.push({ type: 'quote', blocks: parseBlocks(body) });
    } else if (BULLET.test(line) || ORDERED.test(line)) {
      const [list, next] = parseList(lines, i);
      blocks.push(list);
      i = next;
    } else if ((m = MATH_OPEN.exec(line)) && mathBlockEnd(lines, i, m) !== null) {
      const [math, next] = parseMathBlock(lines, i, m);
      blocks.push(math);
      i = next;
    } else if (startsTable(lines, i)) {
      const [table, next] = parseTable(lines, i, (l) => BLANK.test(l));
      blocks.push({ ...table, header: table.header.map(parseInline), rows: table.rows.map((r) => r.map(parseInline)) });
      i = next;
    } else {
      const body = [line];
      i++;
      while (i < lines.length && !BLANK.test(lines[i]) && !startsBlock(lines[i]) && !startsTable(lines, i)) body.push(lines[i++]);
      blocks.push({ type: 'paragraph', inlines: joinLines(body) });
    }
  }
  return blocks;
}

function closesFence(line, fence) {
  const t = line.trim();
  return t.length >= fence.length && t[0] === fence[0] && /^(`+|~+)$/.test(t);
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || QUOTE.test(line) || BULLET.test(line) || ORDERED.test(line)
    || /^ {0,3}\$\$\s*$/.test(line);
}

/**
 * The index of the line closing a display-math block opened at lines[start], lines.length when
 * unclosed (still streaming), or null when the opening line holds more text after its closer
 * ($$a$$ and so on: a paragraph with inline math).
 */
function mathBlockEnd(lines, start, m) {
  const close = MATH_CLOSE[m[1]];
  const at = m[2].indexOf(close);
  if (at >= 0) return m[2].slice(at + close.length).trim() ? null : start;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].includes(close)) return i;
  }
  return lines.length;
}

function parseMathBlock(lines, start, m) {
  const close = MATH_CLOSE[m[1]];
  const end = mathBlockEnd(lines, start, m);
  const body = end === start ? [m[2]] : [m[2], ...lines.slice(start + 1, end + 1)];
  const tex = body.join('\n');
  const at = tex.indexOf(close);
  return [{ type: 'math', tex: (at >= 0 ? tex.slice(0, at) : tex).trim() }, end + 1];
}

/** Consecutive items of one kind; an indented line continues the item above it. */
function parseList(lines, start) {
  const ordered = !BULLET.test(lines[start]);
  const pattern = ordered ? ORDERED : BULLET;
  const items = [];
  let first = null;
  let i = start;
  while (i < lines.length) {
    const m = pattern.exec(lines[i]);
    if (m) {
      if (ordered && first === null) first = Number(m[1]);
      items.push([ordered ? m[2] : m[1]]);
      i++;
    } else if (items.length && /^\s{2,}\S/.test(lines[i]) && !BULLET.test(lines[i]) && !ORDERED.test(lines[i])) {
      items[items.length - 1].push(lines[i].trim());
      i++;
    } else {
      break;
    }
  }
  return [{ type: 'list', ordered, start: first ?? 1, items: items.map(joinLines) }, i];
}

/** Lines of one block: inline content with a line break between them. */
function joinLines(lines) {
  const out = [];
  lines.forEach((line, n) => {
    if (n > 0) out.push({ type: 'break' });
    out.push(...parseInline(n < lines.length - 1 ? line.replace(/\s+$/, '') : line.trim()));
  });
  return out;
}

/** Inline nodes: {type: 'text'|'code'|'strong'|'em'|'break'|'math', text?, children?, tex?, display?}. */
export function parseInline(text) {
  const out = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push({ type: 'text', text: buf });
    buf = '';
  };
  let i = 0;
  const closers = {}; // for mathSpan: where each closer is, found once per scan
  while (i < text.length) {
    const c = text[i];
    const math = c === '$' || c === '\\' ? mathSpan(text, i, closers) : null;
    if (math) {
      flush();
      out.push({ type: 'math', tex: math.tex, display: math.display });
      i = math.end;
      continue;
    }
    if (c === '\\' && i + 1 < text.length && /[\\`*_#>\-+.!\[\]()~$|]/.test(text[i + 1])) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))[0];
      const end = text.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        out.push({ type: 'code', text: text.slice(i + run.length, end).replace(/^ (.+) $/, '$1') });
        i = end + run.length;
        continue;
      }
      buf += run; // an unmatched run is text
      i += run.length;
      continue;
    }
    if (text.startsWith('**', i)) {
      const end = closing(text, '**', i + 2);
      if (end > 0) {
        flush();
        out.push({ type: 'strong', children: parseInline(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    } else if (c === '*' && /\S/.test(text[i + 1] ?? '')) {
      const end = closing(text, '*', i + 1);
      if (end > 0) {
        flush();
        out.push({ type: 'em', children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}

/**
 * Where `mark` (* or **) closes emphasis opened before `from`, or -1. Runs of stars are read whole:
 * one after a space opens, not closes; inside *...*, a ** closes a nested strong; a run of three
 * closes both, strong on the inner two stars.
 */
function closing(text, mark, from) {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
    } else if (text[j] === '`') {
      const run = /^`+/.exec(text.slice(j))[0];
      const end = text.indexOf(run, j + run.length);
      if (end < 0) return -1;
      j = end + run.length - 1;
    } else if (text[j] === '*') {
      const run = /^\*+/.exec(text.slice(j))[0].length;
      if (j > from && /\S/.test(text[j - 1])) {
        if (mark === '**' && run >= 2) return j + run - 2;
        if (mark === '*' && run !== 2) return j + run - 1;
      }
      j += run - 1;
    }
  }
  return -1;
}

/** DOM nodes for `text`, in a DocumentFragment. Text becomes text nodes, never markup. */
export function render(text, doc = globalThis.document) {
  const fragment = doc.createDocumentFragment();
  for (const block of parse(text)) fragment.append(renderBlock(block, doc));
  return fragment;
}

function renderBlock(block, doc) {
  switch (block.type) {
    case 'heading':
      // below the page's h1, h2 and each message's h3 (its author): # is h4, ## h5, the rest h6
      return withInlines(doc.createElement(`h${Math.min(6, block.level + 3)}`), block.inlines, doc);
    case 'code':
      return renderCode(block, doc);
    case 'table':
      return renderTable(block, doc, (cell, inlines) => withInlines(cell, inlines, doc));
    case 'math': {
      const div = doc.createElement('div');
      div.className = 'math-block';
      div.append(renderMath(block.tex, true, doc));
      return div;
    }
    case 'list': {
      const list = doc.createElement(block.ordered ? 'ol' : 'ul');
      if (block.ordered && block.start !== 1) list.start = block.start;
      for (const item of block.items) list.append(withInlines(doc.createElement('li'), item, doc));
      return list;
    }
    case 'quote': {
      const quote = doc.createElement('blockquote');
      for (const b of block.blocks) quote.append(renderBlock(b, doc));
      return quote;
    }
    default:
      return withInlines(doc.createElement('p'), block.inlines, doc);
  }
}

function withInlines(element, inlines, doc) {
  for (const node of inlines) {
    switch (node.type) {
      case 'text':
        element.append(doc.createTextNode(node.text));
        break;
      case 'break':
        element.append(doc.createElement('br'));
        break;
      case 'code': {
        const code = doc.createElement('code');
        code.textContent = node.text;
        element.append(code);
        break;
      }
      case 'math':
        element.append(renderMath(node.tex, node.display, doc));
        break;
      default: // strong, em
        element.append(withInlines(doc.createElement(node.type), node.children, doc));
    }
  }
  return element;
}
