import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer, DEFAULT_WEB_DIR } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/config.js';
import { DEMO_PASSWORD } from '../../src/demo/seed.js';
import { REPO_ROOT } from '../../src/sources/pack-files.js';
import type { World } from './fixtures.js';

/** What every browser test shares: Debian's Chromium, the built web app on a real server, sign-in. */
export const OUTPUT = path.join(REPO_ROOT, 'test-output');
// The background-networking flags keep Chromium from dialling out of a machine with no network.
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface WebSession {
  app: FastifyInstance;
  browser: Browser;
  baseUrl: string;
}

/** Serves the built web app over the world's store on a free loopback port and launches Chromium. */
export async function serveAndLaunch(world: World): Promise<WebSession> {
  assert.ok(existsSync(path.join(DEFAULT_WEB_DIR, 'index.html')), `${path.join(DEFAULT_WEB_DIR, 'index.html')} is missing: run npm run build:web first`);
  mkdirSync(OUTPUT, { recursive: true });
  const config = { ...loadConfig({ ...process.env, STEWARD_COOKIE_SECRET: 'c'.repeat(40) }), logLevel: 'silent' };
  assert.equal(config.secureCookies, true, 'browser tests run with secure cookies, as production does');
  const app = await buildServer({ store: world.store, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  // Chromium treats http://127.0.0.1 as a secure context, so it keeps the Secure session cookie.
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return { app, browser, baseUrl };
}

export async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/**
 * Runs `run` in a fresh browser context (no cookies), fails on any uncaught page error, and keeps a
 * full-page screenshot named after the test when it fails.
 */
export async function withPage(browser: Browser, name: string, run: (page: Page) => Promise<void>, viewport = { width: 1280, height: 900 }): Promise<void> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await run(page);
    assert.deepEqual(errors, [], 'the page threw no uncaught errors');
  } catch (error) {
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, `${name}-failure.png`), fullPage: true }).catch(() => undefined);
    if (errors.length > 0) (error as Error).message += `\npage errors: ${errors.join('; ')}`;
    throw error;
  } finally {
    await context.close();
  }
}
