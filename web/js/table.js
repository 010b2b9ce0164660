// GitHub-style Markdown tables: a header row, a delimiter row (|---|:--:|), then body rows until
// a blank line or a line without a pipe. Cells are split on unescaped pipes outside `code`; the
// header fixes the column count (a short row is padded, a long one cut), as GitHub does.

const DELIMITER_CELL = /^\s*(:?)-+(:?)\s*$/;

/** The row's cells as raw text, or null when the line has no pipe to split on. */
export function splitRow(line) {
  if (!line.includes('|')) return null;
  const cells = [];
  let cell = '';
  let ticks = 0; // length of the open backtick run, 0 outside code
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && line[i + 1] === '|') {
      cell += ticks ? '\\|' : '|'; // \| is a pipe in a cell; inside code it stays as written
      i++;
    } else if (c === '`') {
      const run = /^`+/.exec(line.slice(i))[0];
      if (!ticks && line.indexOf(run, i + run.length) > 0) ticks = run.length;
      else if (ticks === run.length) ticks = 0;
      cell += run;
      i += run.length - 1;
    } else if (c === '|' && !ticks) {
      cells.push(cell);
      cell = '';
    } else {
      cell += c;
    }
  }
  cells.push(cell);
  // a leading or trailing pipe opens or closes the row rather than making an empty cell
  if (/^\s*\|/.test(line)) cells.shift();
  if (cells.length > 1 && /\|\s*$/.test(line) && !/\\\|\s*$/.test(line)) cells.pop();
  return cells.map((c) => c.trim());
}

/** Column alignments ('left'|'center'|'right'|null) from a delimiter row, or null if it is not one. */
export function alignments(line) {
  const cells = splitRow(line);
  if (!cells || !cells.length) return null;
  const out = [];
  for (const cell of cells) {
    const m = DELIMITER_CELL.exec(cell);
    if (!m) return null;
    out.push(m[1] && m[2] ? 'center' : m[2] ? 'right' : m[1] ? 'left' : null);
  }
  return out;
}

/** Whether a table starts at lines[i]: a header row over a delimiter row with as many cells. */
export function startsTable(lines, i) {
  const header = splitRow(lines[i] ?? '');
  const align = i + 1 < lines.length ? alignments(lines[i + 1]) : null;
  return !!(header && align && header.length === align.length);
}

/**
 * The table at lines[start] (startsTable must hold) and the index after it.
 * Block: {type: 'table', align, header: [cell text], rows: [[cell text]]}; the caller parses cells' inlines.
 */
export function parseTable(lines, start, isBlank) {
  const header = splitRow(lines[start]);
  const align = alignments(lines[start + 1]);
  const width = header.length;
  const rows = [];
  let i = start + 2;
  while (i < lines.length && !isBlank(lines[i])) {
    const cells = splitRow(lines[i]);
    if (!cells) break;
    rows.push(Array.from({ length: width }, (_, n) => cells[n] ?? ''));
    i++;
  }
  return [{ type: 'table', align, header, rows }, i];
}

/**
 * DOM for a table block whose cells hold inline nodes; `inlines(element, nodes)` fills a cell.
 * The table sits in a scrolling wrapper so a wide one does not widen the message.
 */
export function renderTable(block, doc, inlines) {
  const wrap = doc.createElement('div');
  wrap.className = 'table-wrap';
  const table = doc.createElement('table');
  const row = (cells, tag) => {
    const tr = doc.createElement('tr');
    cells.forEach((cell, n) => {
      const td = inlines(doc.createElement(tag), cell);
      if (tag === 'th') td.scope = 'col';
      if (block.align[n]) td.className = `align-${block.align[n]}`; // a class: the CSP allows no inline style
      tr.append(td);
    });
    return tr;
  };
  const thead = doc.createElement('thead');
  thead.append(row(block.header, 'th'));
  table.append(thead);
  if (block.rows.length) {
    const tbody = doc.createElement('tbody');
    for (const r of block.rows) tbody.append(row(r, 'td'));
    table.append(tbody);
  }
  wrap.append(table);
  return wrap;
}
