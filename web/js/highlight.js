// Syntax highlighting for code blocks: one small scanner driven by a table of languages, telling
// comments, strings, numbers, keywords, literals and called names from the rest. tokens(code,
// lang) returns [{type, text}] whose texts join back to the code exactly (type null: plain), so
// a highlighted block copies and reads as the original; highlight() turns them into spans, as
// text nodes, never markup. Not a parser: it only has to look right for what models write.

const C_KEYWORDS = 'if else for while do switch case default break continue return goto sizeof typedef struct union '
  + 'enum const static extern volatile inline void char short int long float double signed unsigned auto register';

const LANGUAGES = {
  js: {
    line: '//', block: ['/*', '*/'], quotes: ['`', '"', "'"],
    keywords: 'async await break case catch class const continue debugger default delete do else export extends '
      + 'finally for from function if import in instanceof let new of return static super switch this throw try '
      + 'typeof var void while with yield interface type enum implements private public protected readonly as',
    literals: 'true false null undefined NaN Infinity',
  },
  python: {
    line: '#', quotes: ['"""', "'''", '"', "'"],
    keywords: 'and as assert async await break class continue def del elif else except finally for from global '
      + 'if import in is lambda nonlocal not or pass raise return try while with yield match case print self',
    literals: 'True False None',
  },
  java: {
    line: '//', block: ['/*', '*/'], quotes: ['"""', '"', "'"],
    keywords: 'abstract assert boolean break byte case catch char class const continue default do double else enum '
      + 'extends final finally float for if implements import instanceof int interface long native new package '
      + 'private protected public record return sealed permits short static super switch synchronized this throw '
      + 'throws transient try var void volatile while yield',
    literals: 'true false null',
  },
  c: {
    line: '//', block: ['/*', '*/'], quotes: ['"', "'"], keywords: `${C_KEYWORDS} #include #define #ifdef #ifndef #endif #if #else`,
    literals: 'NULL true false',
  },
  cpp: {
    line: '//', block: ['/*', '*/'], quotes: ['"', "'"],
    keywords: `${C_KEYWORDS} bool class namespace template typename public private protected virtual override new `
      + 'delete using try catch throw this nullptr constexpr auto std #include #define #pragma',
    literals: 'true false nullptr NULL',
  },
  csharp: {
    line: '//', block: ['/*', '*/'], quotes: ['"', "'"],
    keywords: 'abstract as async await base bool break case catch class const continue decimal default delegate do '
      + 'double else enum event explicit extern finally fixed float for foreach if implicit in int interface internal '
      + 'is lock long namespace new object out override params private protected public readonly record ref return '
      + 'sealed static string struct switch this throw try typeof using var virtual void while',
    literals: 'true false null',
  },
  go: {
    line: '//', block: ['/*', '*/'], quotes: ['`', '"', "'"],
    keywords: 'break case chan const continue default defer else fallthrough for func go goto if import interface '
      + 'map package range return select struct switch type var int string bool error byte rune float64',
    literals: 'true false nil iota',
  },
  rust: {
    line: '//', block: ['/*', '*/'], quotes: ['"'],
    keywords: 'as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod '
      + 'move mut pub ref return self Self static struct super trait type unsafe use where while i32 i64 u8 u32 '
      + 'u64 usize f32 f64 bool str String Vec Option Result Some Ok Err',
    literals: 'true false None',
  },
  bash: {
    line: '#', quotes: ['"', "'"],
    keywords: 'if then else elif fi for in do done while until case esac function return local export echo cd '
      + 'sudo set exit source alias',
    literals: '',
  },
  sql: {
    line: '--', block: ['/*', '*/'], quotes: ["'", '"'], caseless: true,
    keywords: 'select from where and or not insert into values update set delete create table drop alter index '
      + 'join left right inner outer on group by order having limit offset as distinct union all primary key '
      + 'foreign references default in is like between case when then else end with returning',
    literals: 'null true false',
  },
  json: { quotes: ['"'], keywords: '', literals: 'true false null' },
  yaml: { line: '#', quotes: ['"', "'"], keywords: '', literals: 'true false null yes no on off ~' },
  css: { block: ['/*', '*/'], quotes: ['"', "'"], keywords: '@media @import @keyframes !important', literals: '' },
  html: { block: ['<!--', '-->'], quotes: ['"', "'"], keywords: '', literals: '' },
};

const ALIASES = {
  javascript: 'js', jsx: 'js', mjs: 'js', cjs: 'js', ts: 'js', typescript: 'js', tsx: 'js', node: 'js',
  py: 'python', python3: 'python', kotlin: 'java', kt: 'java', scala: 'java', swift: 'java', dart: 'java',
  h: 'c', 'c++': 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', cs: 'csharp', 'c#': 'csharp', golang: 'go',
  rs: 'rust', sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellscript: 'bash', postgres: 'sql',
  postgresql: 'sql', mysql: 'sql', sqlite: 'sql', yml: 'yaml', toml: 'yaml', scss: 'css', xml: 'html', svg: 'html',
};

const compiled = new Map();

/** The language table entry for a fence's info string, or null when it is not one we know. */
export function language(lang) {
  const name = String(lang ?? '').toLowerCase();
  const key = LANGUAGES[name] ? name : ALIASES[name];
  if (!key) return null;
  if (!compiled.has(key)) {
    const l = LANGUAGES[key];
    const words = (s) => new Set(s.split(' ').filter(Boolean).map((w) => (l.caseless ? w.toLowerCase() : w)));
    compiled.set(key, { ...l, name: key, keywordSet: words(l.keywords), literalSet: words(l.literals) });
  }
  return compiled.get(key);
}

const NUMBER = /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)[a-zA-Z]*/y;
const WORD = /[#@!]?[A-Za-z_$][\w$]*/y;
const CALL = /\s*\(/y;
const MAX_CODE = 100_000; // beyond this, plain text: highlighting is re-run on every streamed frame

/** [{type: 'comment'|'string'|'number'|'keyword'|'literal'|'function'|null, text}], joining back to `code`. */
export function tokens(code, lang) {
  const l = language(lang);
  if (!l || code.length > MAX_CODE) return code ? [{ type: null, text: code }] : [];
  const out = [];
  let plain = '';
  const emit = (type, text) => {
    if (plain) out.push({ type: null, text: plain });
    plain = '';
    out.push({ type, text });
  };
  let i = 0;
  while (i < code.length) {
    const commentEnd = comment(code, i, l);
    const end = commentEnd ?? string(code, i, l);
    if (end !== null) {
      emit(commentEnd !== null ? 'comment' : 'string', code.slice(i, end));
      i = end;
      continue;
    }
    const before = code[i - 1] ?? ' ';
    if (/[\w$]/.test(before)) { // inside a word: no number or keyword starts here
      plain += code[i++];
      continue;
    }
    const word = match(WORD, code, i) ?? match(NUMBER, code, i);
    if (word === null || (/[#@!]/.test(code[i]) && !l.keywordSet.has(code.slice(i, word)))) {
      plain += code[i++];
      continue;
    }
    const text = code.slice(i, word);
    const key = l.caseless ? text.toLowerCase() : text;
    if (/^\d/.test(text)) emit('number', text);
    else if (l.keywordSet.has(key)) emit('keyword', text);
    else if (l.literalSet.has(key)) emit('literal', text);
    else if (/^[A-Za-z_$]/.test(text) && match(CALL, code, word) !== null) emit('function', text);
    else plain += text;
    i = word;
  }
  if (plain) out.push({ type: null, text: plain });
  return out;
}

function match(re, code, at) {
  re.lastIndex = at;
  return re.test(code) ? re.lastIndex : null;
}

/** Where the comment starting at i ends, or null; an unclosed one runs to the end (streaming). */
function comment(code, i, l) {
  if (l.line && code.startsWith(l.line, i) && (l.line !== '#' || !/[\w$]/.test(code[i - 1] ?? ' '))) {
    const nl = code.indexOf('\n', i);
    return nl < 0 ? code.length : nl;
  }
  if (l.block && code.startsWith(l.block[0], i)) {
    const close = code.indexOf(l.block[1], i + l.block[0].length);
    return close < 0 ? code.length : close + l.block[1].length;
  }
  return null;
}

/** Where the string starting at i ends, or null. Single-quoted kinds end at a line's end when unclosed. */
function string(code, i, l) {
  const quote = l.quotes.find((q) => code.startsWith(q, i));
  if (!quote) return null;
  if (quote === "'" && l.name === 'rust') return null; // lifetimes: 'a
  const multiline = quote.length === 3 || quote === '`';
  for (let j = i + quote.length; j < code.length; j++) {
    if (code[j] === '\\' && l.name !== 'sql') j++;
    else if (code.startsWith(quote, j)) return j + quote.length;
    else if (code[j] === '\n' && !multiline) return j;
  }
  return code.length;
}

/** The code as spans (class tok-{type}) and text nodes, appended to `element`. */
export function highlight(element, code, lang, doc = globalThis.document) {
  for (const t of tokens(code, lang)) {
    if (!t.type) {
      element.append(doc.createTextNode(t.text));
    } else {
      const span = doc.createElement('span');
      span.className = `tok-${t.type}`;
      span.textContent = t.text;
      element.append(span);
    }
  }
  return element;
}
