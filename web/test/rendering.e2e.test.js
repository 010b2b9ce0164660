// The chat page's rendering and usability in real headless Chromium (Playwright), against the
// servers ChatPageE2ETest starts (see chat-page.e2e.test.js for its variables), plus:
//   QUILL_RENDERING_CONVERSATION  a conversation on QUILL_URL whose answer holds a table, code and math
//   QUILL_RENDERING_ANSWER        that answer's Markdown
// Covers: tables, highlighted code with Copy (read back from the real clipboard), Copy on an
// answer, math as MathML, the model's name, context and sampling, progress before the first
// token, the keyboard, and an axe-core accessibility check. Leaves chat-page-rendering.png
// beside QUILL_SCREENSHOT (docs/chat-page.png is made from it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.QUILL_URL;
const TIMEOUT = 60_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const lastAnswer = (page) => page.locator('#messages article.message.assistant').last();
const connected = (page) => page.waitForSelector('#status[data-state="connected"]');

async function openPage(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
  await connected(page);
  return page;
}

async function settings(page, values) {
  if (await page.locator('#settings').isHidden()) await page.click('#settings-toggle');
  for (const [name, value] of Object.entries(values)) await page.fill(`#${name}`, value);
}

/** Waits until the newest answer is no longer being written; returns its finish reason. */
async function settled(page) {
  await page.waitForFunction(() => {
    const all = document.querySelectorAll('#messages article.message.assistant');
    return all.length && all[all.length - 1].dataset.state !== 'streaming';
  });
  return lastAnswer(page).getAttribute('data-finish');
}

/** axe-core's serious and critical violations on the page as it is, one line each. */
async function accessibilityProblems(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(await readFile(AXE_SOURCE, 'utf8')); // by DevTools, so the page's CSP allows it
  }
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
    .violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) })));
  return violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`);
}

describe('rendering and usability of the chat page', { skip: BASE ? false : 'QUILL_URL is not set: ChatPageE2ETest runs this against a server' }, () => {
  let browser;
  let context;
  let page;

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.QUILL_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
    page = await openPage(context, `${BASE}#${process.env.QUILL_RENDERING_CONVERSATION}`);
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the model\'s name and context, and the sampling with the model\'s defaults filled in', async () => {
    const model = (await (await page.request.get(`${BASE}v1/models`)).json()).data[0];
    const context = `${model.max_model_len.toLocaleString('en')}-token context`;
    await page.waitForFunction(() => document.getElementById('model-info').textContent !== '');
    assert.equal(await page.textContent('#model-info'), `${model.id} · ${context}`);
    const d = model.sampling_defaults;
    assert.equal(await page.textContent('#sampling-info'),
      `temperature ${d.temperature} · top-p ${d.top_p} · up to ${d.max_tokens} tokens`, 'nothing set: all defaults');
    await settings(page, { temperature: '0', max_tokens: '40' });
    assert.equal(await page.textContent('#sampling-info'), 'temperature 0 (greedy) · up to 40 tokens');
    await settings(page, { temperature: '', max_tokens: '' });
    await page.click('#settings-toggle');
  });

  it('renders a stored answer\'s table, highlighted code and math', async () => {
    const answer = lastAnswer(page).locator('.content');
    await answer.locator('table').waitFor();
    assert.deepEqual(await answer.locator('thead th').allTextContents(), ['Model', 'Parameters', 'Context']);
    assert.deepEqual(await answer.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent))),
      [['tiny', '0.1 M', '256'], ['demo', '2 M', '512']]);
    assert.deepEqual(await answer.locator('tbody tr:first-child td').evaluateAll((cells) => cells.map((c) => c.className)),
      ['align-left', 'align-right', 'align-center']);

    const code = answer.locator('pre > code.language-python');
    assert.equal(await code.textContent(), 'def greet(name):\n    # say hello\n    return f"Hello, {name}! <b>"');
    assert.deepEqual(await code.locator('.tok-keyword').allTextContents(), ['def', 'return']);
    assert.deepEqual(await code.locator('.tok-comment').allTextContents(), ['# say hello']);
    assert.deepEqual(await code.locator('.tok-string').allTextContents(), ['"Hello, {name}! <b>"']);
    assert.deepEqual(await code.locator('.tok-function').allTextContents(), ['greet']);
    assert.equal(await page.locator('#messages b').count(), 0, 'tags in code are text');

    const inline = answer.locator('p math');
    assert.equal(await inline.count(), 1);
    assert.equal(await inline.getAttribute('aria-label'), 'e^{i\\pi} + 1 = 0');
    assert.equal(await inline.locator('msup mi').first().textContent(), 'e');
    const block = answer.locator('.math-block math[display="block"]');
    assert.equal(await block.locator('munderover mo').first().textContent(), '∑');
    assert.equal(await block.locator('mfrac').count(), 1);
    assert.equal(await answer.locator('math .unknown, code.math-source').count(), 0, 'every command was known');
    // MathML laid out by the browser: a fraction is taller than a line of text
    const heights = await page.evaluate(() => ({
      fraction: document.querySelector('.math-block mfrac').getBoundingClientRect().height,
      text: parseFloat(getComputedStyle(document.querySelector('#messages .content p')).lineHeight),
    }));
    assert.ok(heights.fraction > heights.text, JSON.stringify(heights));
  });

  it('copies a code block\'s code and an answer\'s Markdown to the clipboard', async () => {
    const button = lastAnswer(page).locator('.code-block button.copy');
    assert.equal(await button.getAttribute('aria-label'), 'Copy python code');
    await button.click();
    await page.waitForFunction(() => document.querySelector('.code-block button.copy').dataset.copied === 'true');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()),
      'def greet(name):\n    # say hello\n    return f"Hello, {name}! <b>"');
    assert.equal(await button.textContent(), 'Copied');
    assert.equal(await button.getAttribute('aria-label'), 'Copied python code', 'the name starts with what it shows');
    assert.equal(await page.textContent('#announce'), 'Copied to the clipboard');

    await lastAnswer(page).getByRole('button', { name: 'Copy answer' }).click();
    await page.waitForFunction(() => {
      const all = document.querySelectorAll('#messages article.message.assistant .actions button.copy');
      return all[all.length - 1].dataset.copied === 'true';
    });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), process.env.QUILL_RENDERING_ANSWER.trim());
  });

  it('has no serious or critical accessibility problems (axe-core), with the settings open or closed', async () => {
    assert.deepEqual(await accessibilityProblems(page), []);
    await page.click('#settings-toggle');
    assert.deepEqual(await accessibilityProblems(page), []);
    await page.click('#settings-toggle');
    assert.equal(await page.getAttribute('#messages', 'aria-live'), 'polite', 'answers are announced');
  });

  it('shows a prompt\'s progress before the first token, then clears it', async () => {
    await page.click('#new-chat');
    await settings(page, { temperature: '0', max_tokens: '8' });
    await page.click('#settings-toggle');
    await page.evaluate(() => {
      window.stages = [];
      new MutationObserver(() => {
        const a = document.querySelector('#messages article.message.assistant');
        if (a) window.stages.push({ stage: a.dataset.progress ?? '', meta: a.querySelector('.meta').textContent, text: a.querySelector('.content').textContent.length });
      }).observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.fill('#input', 'Tell me about prefill. '.repeat(8));
    await page.press('#input', 'Enter');
    assert.match(await settled(page), /^(length|stop)$/);
    const stages = await page.evaluate(() => window.stages);
    const before = stages.filter((s) => s.text === 0 && s.stage);
    assert.ok(before.some((s) => s.stage === 'sent' && s.meta === 'Sending…'), JSON.stringify(stages));
    const later = before.filter((s) => s.stage === 'queued' || s.stage === 'prefill');
    assert.ok(later.length > 0, `the server's start or progress was shown before the first token: ${JSON.stringify(stages)}`);
    for (const s of later) {
      assert.match(s.meta, s.stage === 'queued' ? /^Queued: a \d+ token prompt waits/ : /^Reading the prompt/);
    }
    const order = before.map((s) => ['sent', 'queued', 'prefill'].indexOf(s.stage));
    assert.deepEqual(order, [...order].sort(), 'stages only move forward');
    assert.ok(stages.filter((s) => s.text > 0).every((s) => s.stage === ''), 'the first token clears the progress');
    assert.doesNotMatch(await lastAnswer(page).locator('.meta').textContent(), /Reading|Queued|Sending/);
  });

  it('works from the keyboard: Shift+Enter, Enter, Escape, Ctrl+K and arrow-up', async () => {
    const users = () => page.locator('#messages article.message.user').count();
    const sent = await users();
    await page.click('#input');
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    assert.equal(await page.inputValue('#input'), 'first line\nsecond line');
    assert.equal(await users(), sent, 'Shift+Enter does not send');

    await settings(page, { max_tokens: '200' });
    await page.click('#settings-toggle');
    await page.focus('#input');
    await page.keyboard.press('Enter');
    assert.equal(await users(), sent + 1);
    assert.equal(await page.inputValue('#input'), '');
    await page.waitForFunction(() => {
      const all = document.querySelectorAll('#messages article.message.assistant');
      return all[all.length - 1].querySelector('.content').textContent.length > 0;
    });
    await page.focus('#messages'); // Escape stops from anywhere on the page
    await page.keyboard.press('Escape');
    assert.equal(await settled(page), 'cancelled');

    // Ctrl+K focuses the conversation search; a stand-in when this page has none yet
    const added = await page.evaluate(() => {
      if (document.getElementById('search')) return false;
      const input = document.createElement('input');
      input.id = 'search';
      input.setAttribute('aria-label', 'Search conversations');
      document.querySelector('.sidebar nav').prepend(input);
      return true;
    });
    await page.focus('#input');
    await page.keyboard.press('Control+k');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
    await page.focus('#input');
    await page.keyboard.press('Meta+k');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
    if (added) await page.evaluate(() => document.getElementById('search').remove());

    // arrow-up in an empty box asks to edit the last message (the editing module listens)
    await page.evaluate(() => {
      window.editRequests = 0;
      document.addEventListener('quill:edit-last', () => { window.editRequests++; });
    });
    await page.focus('#input');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => window.editRequests), 1);
    await page.keyboard.type('a draft');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => window.editRequests), 1, 'in a draft, arrow-up moves the caret');
    await page.fill('#input', '');

    assert.deepEqual(await accessibilityProblems(page), [], 'after a conversation with a stopped answer');
    assert.deepEqual(page.problems, [], 'no script errors, no console errors (CSP included)');
  });

  it('leaves a screenshot: the rendered answer, continued, in the list', async () => {
    await page.goto(`${BASE}#${process.env.QUILL_RENDERING_CONVERSATION}`);
    await connected(page);
    await page.locator('#messages table').waitFor();
    await settings(page, { temperature: '0.7', max_tokens: '12' });
    await page.click('#settings-toggle');
    await page.fill('#input', 'Thanks! Now the same in Go?');
    await page.press('#input', 'Enter');
    assert.match(await settled(page), /^(length|stop)$/);
    // opened by link, the conversation keeps the title of its first message and joins the list
    await page.waitForFunction(() => document.getElementById('conversation-title').textContent === 'Show me some Markdown');
    await page.locator('#conversation-list li', { hasText: 'Show me some Markdown' }).waitFor();
    await page.locator('#input').blur();
    if (process.env.QUILL_SCREENSHOT) {
      await page.screenshot({ path: path.join(path.dirname(process.env.QUILL_SCREENSHOT), 'chat-page-rendering.png') });
    }
    assert.deepEqual(page.problems, [], 'no script errors, no console errors (CSP included)');
  });
});
