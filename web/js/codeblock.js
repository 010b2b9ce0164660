// A fenced code block as shown in an answer: a bar with its language and a Copy button, over
// the highlighted code. The bar sits outside <pre>, so the block's text is the code alone.

import { highlight, language } from './highlight.js';
import { codeText, copyButton } from './copy.js';

export function renderCode(block, doc = globalThis.document) {
  const figure = doc.createElement('div');
  figure.className = 'code-block';
  const bar = doc.createElement('div');
  bar.className = 'code-bar';
  const lang = block.lang.replace(/[^\w+#.-]/g, '');
  const label = doc.createElement('span');
  label.className = 'code-lang';
  label.textContent = lang || 'text';
  bar.append(label, copyButton(lang ? `${lang} code` : 'code', () => codeText(block), doc));
  const pre = doc.createElement('pre');
  const code = doc.createElement('code');
  if (lang) {
    code.className = `language-${lang}`;
    pre.dataset.lang = lang;
    if (language(lang)) code.classList.add('highlighted');
  }
  highlight(code, block.text, lang, doc);
  pre.append(code);
  figure.append(bar, pre);
  return figure;
}
