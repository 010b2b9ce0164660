// The chat page end to end: real headless Chromium (Playwright), real Quill servers with a tiny
// random model. Started by server/src/test/java/dev/quill/server/web/ChatPageE2ETest.java, which
// sets:
//   QUILL_URL                  a server (frames over 8192 bytes are refused as payload_too_large)
//   QUILL_BUSY_URL             a server whose only slot is held, so every chat is overloaded
//   QUILL_SEEDED_CONVERSATION  a conversation on QUILL_URL whose answer holds Markdown and HTML
//   QUILL_CHROMIUM             the browser; QUILL_SCREENSHOT where to save a picture of the page
// The tests run in order and build on each other, like a person using the page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.QUILL_URL;
const TIMEOUT = 60_000; // generous: CI machines share their cores
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const answers = (page) => page.locator('#messages article.message.assistant');
const lastAnswer = (page) => answers(page).last();

async function openPage(context, url = BASE) {
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

const connected = (page) => page.waitForSelector('#status[data-state="connected"]');

async function settings(page, values) {
  if (await page.locator('#settings').isHidden()) await page.click('#settings-toggle');
  for (const [name, value] of Object.entries(values)) await page.fill(`#${name}`, value);
}

async function send(page, text) {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
}

/** Waits until the newest answer is no longer being written; returns its state and text. */
async function settled(page) {
  await page.waitForFunction(() => {
    const all = document.querySelectorAll('#messages article.message.assistant');
    const a = all[all.length - 1];
    return a && a.dataset.state !== 'streaming';
  });
  const a = lastAnswer(page);
  return {
    state: await a.getAttribute('data-state'),
    finish: await a.getAttribute('data-finish'),
    text: await a.locator('.content').textContent(),
    meta: await a.locator('.meta').textContent(),
  };
}

const texts = (page, role) => page.locator(`#messages article.message.${role} .content`).allTextContents();
const listTitles = (page) => page.locator('#conversation-list .conversation .title').allTextContents();

describe('the chat page', { skip: BASE ? false : 'QUILL_URL is not set: ChatPageE2ETest runs this against a server' }, () => {
  let browser;
  let context;
  let page;

  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.QUILL_CHROMIUM || '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await openPage(context);
  });

  after(async () => {
    await browser?.close();
  });

  it('shows the model\'s sampling defaults in the empty settings fields', async () => {
    await settings(page, {});
    await page.waitForFunction(() => document.getElementById('temperature').placeholder !== 'model default');
    // the tiny model's generation_config.json sets no sampling: Quill's neutral temperature 1
    assert.equal(await page.getAttribute('#temperature', 'placeholder'), 'model default: 1');
    assert.equal(await page.getAttribute('#top_p', 'placeholder'), 'model default: 1');
    assert.match(await page.getAttribute('#max_tokens', 'placeholder'), /^server default: \d+$/);
  });

  it('streams an answer as it is written, then shows time to first token and tokens/s', async () => {
    await settings(page, { temperature: '0', max_tokens: '24' });
    // every change to the newest answer, to see text arrive before the answer ends
    await page.evaluate(() => {
      window.seen = [];
      new MutationObserver(() => {
        const all = document.querySelectorAll('#messages article.message.assistant');
        const a = all[all.length - 1];
        if (a) window.seen.push({ state: a.dataset.state, length: a.querySelector('.content').textContent.length });
      }).observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await send(page, 'Hello there');
    const answer = await settled(page);
    assert.equal(answer.state, 'done', answer.meta);
    assert.ok(answer.text.trim().length > 0, 'the answer has text');
    assert.match(answer.meta, /first token \d[\d,]* ms/);
    assert.match(answer.meta, /\d[\d,]*\.\d tokens\/s/);
    assert.match(answer.meta, /24 tokens/);
    assert.match(answer.meta, /Cut off at the max tokens limit/);
    const seen = await page.evaluate(() => window.seen);
    const partial = seen.filter((s) => s.state === 'streaming' && s.length > 0);
    assert.ok(partial.length > 0, 'text was shown while the answer was still being written');
    assert.ok(Math.min(...partial.map((s) => s.length)) < answer.text.length, 'the text grew as tokens arrived');

    assert.match(page.url(), /#conv-/, 'the address names the conversation');
    assert.equal(await page.locator('#conversation-list [aria-current="page"] .title').textContent(), 'Hello there');
    assert.equal(await page.locator('#conversation-title').textContent(), 'Hello there');
  });

  it('stops an answer with the Stop button and marks it stopped', async () => {
    await settings(page, { max_tokens: '200' });
    await send(page, 'Tell me a long story');
    await page.locator('#stop').waitFor({ state: 'visible' });
    assert.ok(await page.locator('#send').isHidden(), 'Stop replaces Send while an answer is written');
    await page.waitForFunction(() => {
      const all = document.querySelectorAll('#messages article.message.assistant');
      return all[all.length - 1].querySelector('.content').textContent.length > 0;
    });
    await page.click('#stop');
    const answer = await settled(page);
    assert.equal(answer.finish, 'cancelled');
    assert.match(answer.meta, /Stopped/);
    const tokens = Number(/(\d+) tokens(?!\/)/.exec(answer.meta)[1]);
    assert.ok(tokens < 200, `stopped after ${tokens} of 200 tokens`);
    await page.locator('#send').waitFor({ state: 'visible' });
  });

  it('keeps the conversation across a reload, and another browser can continue it', async () => {
    const url = page.url();
    await page.reload();
    await connected(page);
    await page.waitForFunction(() => document.querySelectorAll('#messages article.message.assistant').length === 2);
    assert.deepEqual(await texts(page, 'user'), ['Hello there', 'Tell me a long story']);
    assert.equal(await lastAnswer(page).getAttribute('data-finish'), 'cancelled', 'history keeps the stopped answer');
    assert.match(await lastAnswer(page).locator('.meta').textContent(), /Stopped/);
    assert.deepEqual(await listTitles(page), ['Hello there']);
    assert.equal(await page.locator('#conversation-list [aria-current="page"] .title').textContent(), 'Hello there');
    await settings(page, {});
    assert.equal(await page.inputValue('#temperature'), '0', 'settings are kept per conversation');
    assert.equal(await page.inputValue('#max_tokens'), '200');

    // another browser: its own storage, so its own client id and list
    const other = await browser.newContext();
    try {
      const page2 = await openPage(other, url);
      await page2.waitForFunction(() => document.querySelectorAll('#messages article.message').length === 4);
      // opened by link, the conversation joins this browser's list, under its title
      await page2.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
      assert.deepEqual(await listTitles(page2), ['Hello there']);
      await settings(page2, { max_tokens: '6' });
      await send(page2, 'Still there?');
      assert.equal((await settled(page2)).state, 'done');
      await page2.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
      assert.deepEqual(await listTitles(page2), ['Hello there'], 'a conversation keeps its title');
      assert.deepEqual(page2.problems, []);
    } finally {
      await other.close();
    }
    await page.reload();
    await connected(page);
    await page.waitForFunction(() => document.querySelectorAll('#messages article.message.user').length === 3);
    assert.deepEqual(await texts(page, 'user'), ['Hello there', 'Tell me a long story', 'Still there?']);
  });

  it('starts a new chat with a system prompt, and switches between conversations', async () => {
    const first = page.url();
    await page.click('#new-chat');
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(await page.locator('#conversation-title').textContent(), 'New chat');
    assert.equal(await answers(page).count(), 0);
    await settings(page, { system: 'You are terse.', max_tokens: '6' });
    assert.equal(await page.inputValue('#temperature'), '0', 'a new chat keeps the sampling settings');
    await send(page, 'A second conversation');
    assert.equal((await settled(page)).state, 'done');
    assert.deepEqual(await texts(page, 'system'), ['You are terse.']);
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 2);
    assert.deepEqual(await listTitles(page), ['A second conversation', 'Hello there']);
    const second = page.url();
    assert.notEqual(second, first);
    assert.equal(await page.getAttribute('#system', 'readonly'), '', 'the system prompt is fixed once sent');

    await page.locator('#conversation-list .conversation', { hasText: 'Hello there' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#messages article.message.user').length === 3);
    assert.equal(page.url(), first);
    assert.equal(await page.inputValue('#system'), '');
    assert.equal(await page.inputValue('#max_tokens'), '200');

    await page.goBack(); // the address is history: Back returns to the second conversation
    await page.waitForFunction(() => document.querySelectorAll('#messages article.message.system').length === 1);
    assert.deepEqual(await texts(page, 'system'), ['You are terse.'], 'the server stored the system prompt');
    assert.equal(await page.inputValue('#system'), 'You are terse.');
    assert.deepEqual(await texts(page, 'user'), ['A second conversation']);
  });

  it('says in plain words that a message is too long, and gives it back', async () => {
    const long = 'x'.repeat(9000);
    await send(page, long);
    const answer = await settled(page);
    assert.equal(answer.state, 'error');
    assert.match(answer.meta, /too long to send/);
    assert.equal(await page.inputValue('#input'), long);
    await page.fill('#input', '');
  });

  it('says in plain words that the server is busy', async () => {
    const busy = await openPage(context, process.env.QUILL_BUSY_URL);
    try {
      await send(busy, 'Anyone there?');
      const answer = await settled(busy);
      assert.equal(answer.state, 'error');
      assert.match(answer.meta, /server is busy/);
      assert.deepEqual(busy.problems, []);
    } finally {
      await busy.close();
    }
  });

  it('shows a dropped connection, reconnects by itself, and loads what the server kept', async () => {
    const other = await browser.newContext();
    try {
      const routes = [];
      const dropping = await other.newPage();
      dropping.setDefaultTimeout(TIMEOUT);
      await dropping.routeWebSocket(/\/ws(\?|$)/, (ws) => {
        routes.push({ page: ws, server: ws.connectToServer() });
      });
      await dropping.goto(BASE);
      await connected(dropping);
      await settings(dropping, { temperature: '0', max_tokens: '200' });
      await send(dropping, 'Keep talking');
      await dropping.waitForFunction(() => {
        const all = document.querySelectorAll('#messages article.message.assistant');
        return all.length && all[all.length - 1].querySelector('.content').textContent.length > 0;
      });
      // what the page shows from the drop on; the reconnect may replace it within a second
      await dropping.evaluate(() => {
        window.shown = [];
        const record = () => {
          const all = document.querySelectorAll('#messages article.message.assistant');
          const a = all[all.length - 1];
          window.shown.push({ status: document.getElementById('status').textContent, state: a?.dataset.state, meta: a?.querySelector('.meta').textContent });
        };
        new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      const route = routes.at(-1);
      await Promise.all([
        route.page.close({ code: 4000, reason: 'the test drops the connection' }),
        route.server.close({ code: 4000, reason: 'the test drops the connection' }),
      ]);
      await dropping.waitForFunction(() => window.shown.some((s) => s.status.startsWith('Disconnected')));
      await connected(dropping);
      assert.ok(routes.length >= 2, 'the page opened a new socket');
      // the affinity key a load balancer hashes on: the same client id on every socket (docs/DEPLOY.md)
      const clients = routes.map((r) => new URL(r.page.url()).searchParams.get('client'));
      assert.match(clients[0] ?? '', /^[A-Za-z0-9_-]{1,64}$/);
      assert.ok(clients.every((c) => c === clients[0]), JSON.stringify(clients));
      const shown = await dropping.evaluate(() => window.shown);
      assert.ok(shown.some((s) => /^Disconnected — reconnecting in \d+ s$/.test(s.status)), JSON.stringify(shown.map((s) => s.status)));
      const failed = shown.find((s) => s.state === 'error');
      assert.ok(failed, 'the interrupted answer was marked');
      assert.match(failed.meta, /connection to the server was lost/);
      // The server cancels the answer when the socket closes, and stores it as cancelled. The page
      // asks for the history on reconnecting; should that have been before the server stored the
      // answer, a reload asks again.
      const stored = () => dropping.waitForFunction(() => {
        const all = document.querySelectorAll('#messages article.message.assistant');
        return all.length === 1 && all[0].dataset.finish === 'cancelled';
      }, null, { timeout: 5_000 }).then(() => true, () => false);
      let tries = 0;
      while (!(await stored()) && ++tries < 5) {
        await dropping.reload();
        await connected(dropping);
      }
      assert.ok(tries < 5, 'the stopped answer is in the history');
    } finally {
      await other.close();
    }
  });

  it('shows HTML from the user, the model or the history as text, never as markup', async () => {
    await page.click('#new-chat');
    const attack = '<img src=x onerror="window.__pwned = 1"> **bold** <script>window.__pwned = 2</script>';
    await settings(page, { max_tokens: '4' });
    await send(page, attack);
    await settled(page);
    assert.deepEqual(await texts(page, 'user'), [attack]);

    // an answer from the store with Markdown and HTML in it
    await page.goto(`${BASE}#${process.env.QUILL_SEEDED_CONVERSATION}`);
    await connected(page);
    const answer = lastAnswer(page).locator('.content');
    await answer.locator('h5').waitFor(); // ## in a message, below the page's headings and the message's own h3
    assert.equal(await answer.locator('h5').textContent(), 'Markdown from the store');
    assert.equal(await answer.locator('strong').textContent(), 'bold');
    assert.equal(await answer.locator('em').textContent(), 'italic');
    assert.equal(await answer.locator(':not(pre) > code').textContent(), 'inline code');
    assert.deepEqual(await answer.locator('ul > li').allTextContents(), ['first item', 'second item']);
    assert.deepEqual(await answer.locator('ol > li').allTextContents(), ['one', 'two']);
    assert.equal(await answer.locator('pre > code.language-java').textContent(), 'int x = 1 < 2 ? 3 : 4; // <b>not bold</b>');
    assert.match(await answer.textContent(), /<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2<\/script>/);

    assert.equal(await page.locator('#messages img, #messages script, #messages b').count(), 0, 'no element came from text');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  });

  it('opens a link to a conversation the server never issued as a new chat', async () => {
    const other = await browser.newContext(); // its own client id, so the list of the other tests stays as it is
    try {
      const stray = await openPage(other, `${BASE}#conv-never-issued`);
      await stray.waitForSelector('#messages .note:has-text("not available here")');
      assert.equal(new URL(stray.url()).hash, '', 'the address no longer names it');
      await settings(stray, { max_tokens: '4' });
      await send(stray, 'A fresh start');
      assert.equal((await settled(stray)).state, 'done');
      assert.match(stray.url(), /#conv-/);
      assert.doesNotMatch(stray.url(), /never-issued/);
      assert.deepEqual(stray.problems, []);
    } finally {
      await other.close();
    }
  });

  it('leaves a screenshot of the page', async () => {
    // continue the seeded conversation, so the picture has a list, Markdown and a live answer's timings
    await settings(page, { temperature: '0.8', max_tokens: '40', top_p: '0.95' });
    await send(page, 'Thanks! Now a short poem, please.');
    assert.equal((await settled(page)).state, 'done');
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 4);
    await page.locator('#input').blur();
    if (process.env.QUILL_SCREENSHOT) await page.screenshot({ path: process.env.QUILL_SCREENSHOT });
    assert.deepEqual(page.problems, [], 'no script errors, no console errors (CSP included)');
  });
});
