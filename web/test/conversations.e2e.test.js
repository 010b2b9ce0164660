// The conversation operations of the chat page end to end, in real headless Chromium against a
// real Quill (QUILL_URL; ChatPageE2ETest starts it, with the tiny random model): regenerate,
// edit → branch → switch, a stopped answer's timings after a reload, rename, search, export,
// delete, and a conversation opened by link in a second browser. The tests build on each other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const BASE = process.env.QUILL_URL;
const TIMEOUT = 60_000; // generous: CI machines share their cores
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const answers = (page) => page.locator('#messages article.message.assistant');
const users = (page) => page.locator('#messages article.message.user');
const texts = (locator) => locator.locator('.content').allTextContents();
const listTitles = (page) => page.locator('#conversation-list .conversation .title').allTextContents();

async function openPage(context, url = BASE) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForSelector('#status[data-state="connected"]');
  return page;
}

async function settings(page, values) {
  if (await page.locator('#settings').isHidden()) await page.click('#settings-toggle');
  for (const [name, value] of Object.entries(values)) await page.fill(`#${name}`, value);
}

/**
 * Waits until no answer is being written and the history the page asks for after each answer
 * has come back: the last answer carries its stored id, so its tools are there.
 */
async function settled(page) {
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll('#messages article.message')];
    const last = all[all.length - 1];
    return last && last.classList.contains('assistant') && last.dataset.state !== 'streaming' && last.dataset.id
      && document.querySelector('#send:not([hidden])');
  });
}

/** The "n/m" of a message's version switcher. */
const position = (article) => article.locator('.versions .version').textContent();

describe('conversation operations on the chat page', { skip: BASE ? false : 'QUILL_URL is not set: ChatPageE2ETest runs this against a server' }, () => {
  let browser;
  let context;
  let page;
  let firstAnswer;

  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.QUILL_CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await openPage(context);
  });

  after(async () => {
    await browser?.close();
  });

  it('regenerates the last answer as a new version, and switches back to the first', async () => {
    await settings(page, { temperature: '0', max_tokens: '12' });
    await page.fill('#input', 'Tell me about zebras');
    await page.press('#input', 'Enter');
    await settled(page);
    firstAnswer = (await texts(answers(page)))[0];
    const firstId = await answers(page).last().getAttribute('data-id');

    await settings(page, { max_tokens: '3' }); // a shorter answer, to tell the versions apart
    await answers(page).last().locator('button.regenerate').click();
    await settled(page);
    assert.equal(await answers(page).count(), 1, 'the new version replaces the old one on screen');
    assert.equal(await position(answers(page).last()), '2/2');
    assert.notEqual(await answers(page).last().getAttribute('data-id'), firstId);
    assert.match(await answers(page).last().locator('.meta').textContent(), /3 tokens/);

    await answers(page).last().getByRole('button', { name: 'Previous version' }).click();
    await page.waitForFunction((id) => document.querySelector('#messages article.message.assistant')?.dataset.id === id, firstId);
    assert.equal(await position(answers(page).last()), '1/2');
    assert.equal((await texts(answers(page)))[0], firstAnswer);
    assert.ok(await answers(page).last().locator('button.regenerate').isVisible(), 'the answer shown is the one to regenerate');
  });

  it('edits the last message with arrow-up, which branches the conversation; the switcher goes between branches', async () => {
    await page.fill('#input', 'And about horses?');
    await page.press('#input', 'Enter');
    await settled(page);
    assert.deepEqual(await texts(users(page)), ['Tell me about zebras', 'And about horses?']);

    await page.focus('#input');
    await page.press('#input', 'ArrowUp');
    assert.ok(await page.locator('#editing').isVisible(), 'the page says a message is being edited');
    assert.equal(await page.inputValue('#input'), 'And about horses?');
    await page.fill('#input', 'And about donkeys?');
    await page.press('#input', 'Enter');
    await settled(page);
    assert.deepEqual(await texts(users(page)), ['Tell me about zebras', 'And about donkeys?']);
    assert.equal(await answers(page).count(), 2);
    assert.equal(await position(users(page).last()), '2/2');
    assert.ok(await page.locator('#editing').isHidden());

    await users(page).last().getByRole('button', { name: 'Previous version' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('#messages article.message.user .content')]
      .map((c) => c.textContent).includes('And about horses?'));
    assert.equal(await position(users(page).last()), '1/2');
    assert.equal(await answers(page).count(), 2, 'the branch keeps its answer');

    await page.reload();
    await page.waitForSelector('#messages article.message.user[data-id]');
    assert.deepEqual(await texts(users(page)), ['Tell me about zebras', 'And about horses?'], 'the server keeps the branch chosen');
  });

  it('keeps a stopped answer\'s timings across a reload', async () => {
    await settings(page, { max_tokens: '200' });
    await page.fill('#input', 'Tell me a long story');
    await page.press('#input', 'Enter');
    await page.waitForFunction(() => {
      const all = document.querySelectorAll('#messages article.message.assistant');
      return all[all.length - 1].querySelector('.content').textContent.length > 0;
    });
    await page.click('#stop');
    await settled(page);
    const meta = await answers(page).last().locator('.meta').textContent();
    assert.match(meta, /Stopped/);
    assert.match(meta, /first token \d[\d,]* ms/);
    await page.reload();
    await page.waitForSelector('#messages article.message.assistant[data-id]');
    assert.equal(await answers(page).last().locator('.meta').textContent(), meta, 'the same finish reason and timings');
  });

  it('renames the conversation in the sidebar and the header', async () => {
    const item = page.locator('#conversation-list li').first();
    await item.getByRole('button', { name: /^Rename/ }).click();
    await page.locator('.rename-input').fill('Equids, mostly');
    await page.locator('.rename-input').press('Enter');
    await page.waitForFunction(() => document.getElementById('conversation-title').textContent === 'Equids, mostly');
    assert.equal((await listTitles(page))[0], 'Equids, mostly');
  });

  it('searches titles and messages, and Escape shows the whole list again', async () => {
    await page.click('#new-chat');
    await page.fill('#input', 'What is a KV cache?');
    await page.press('#input', 'Enter');
    await settled(page);
    assert.equal((await listTitles(page)).length, 2);

    await page.fill('#search', 'DONKEYS');
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
    assert.deepEqual(await listTitles(page), ['Equids, mostly']);
    assert.match(await page.locator('#conversation-list .snippet').textContent(), /donkeys/i);
    await page.fill('#search', 'no such words anywhere');
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 0);
    assert.ok(await page.locator('#conversation-empty').isVisible());
    await page.press('#search', 'Escape');
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 2);
  });

  it('exports the conversation as Markdown and JSON', async () => {
    await page.locator('#conversation-list .conversation', { hasText: 'Equids, mostly' }).click();
    await page.waitForSelector('#messages article.message.user[data-id]');
    const [md] = await Promise.all([page.waitForEvent('download'), page.click('#export-md')]);
    assert.match(md.suggestedFilename(), /^conv-[\w-]+\.md$/);
    const markdown = await readFile(await md.path(), 'utf8');
    assert.match(markdown, /^# Equids, mostly\n/);
    assert.match(markdown, /## User\n\nAnd about horses\?/);
    assert.ok(!markdown.includes('donkeys'), 'Markdown holds the branch shown');

    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const exported = JSON.parse(await readFile(await json.path(), 'utf8'));
    assert.equal(exported.title, 'Equids, mostly');
    const contents = exported.messages.map((m) => m.content);
    assert.ok(contents.includes('And about donkeys?') && contents.includes('And about horses?'), 'JSON holds every branch');
  });

  it('opens a conversation by link in a second browser, with its title, and lists it there', async () => {
    const url = page.url();
    const other = await browser.newContext();
    try {
      const second = await openPage(other, url);
      await second.waitForSelector('#messages article.message.user[data-id]');
      assert.equal(await second.locator('#conversation-title').textContent(), 'Equids, mostly');
      await second.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
      assert.deepEqual(await listTitles(second), ['Equids, mostly']);
      await second.reload(); // the server's list for that browser now names it
      await second.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
      assert.deepEqual(second.problems, []);
    } finally {
      await other.close();
    }
  });

  it('deletes a conversation after asking', async () => {
    page.once('dialog', (d) => d.dismiss());
    await page.locator('#conversation-list li', { hasText: 'Equids, mostly' }).getByRole('button', { name: /^Delete/ }).click();
    assert.equal((await listTitles(page)).length, 2, 'nothing deleted when the question is dismissed');
    page.once('dialog', (d) => d.accept());
    await page.locator('#conversation-list li', { hasText: 'Equids, mostly' }).getByRole('button', { name: /^Delete/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
    assert.deepEqual(await listTitles(page), ['What is a KV cache?']);
    assert.equal(await page.locator('#conversation-title').textContent(), 'New chat', 'the open conversation was the one deleted');
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#conversation-list .conversation').length === 1);
    assert.deepEqual(page.problems, []);
  });
});
