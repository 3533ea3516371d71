// What every end-to-end script shares: Debian's chromium launched the way this machine allows,
// bounded timeouts, a failure screenshot, and one exit convention (0 passed, 1 failed).
import path from 'node:path';

import { chromium } from 'playwright-core';

export const STEP_TIMEOUT_MS = 15_000;
export const NAVIGATION_TIMEOUT_MS = 30_000;
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A failure the script explains itself: reported by its message, without a stack. */
export class E2EFailure extends Error {}

/** `promise`, or an E2EFailure naming `what` once `ms` have passed. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new E2EFailure(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Launch chromium, run `body(page)` on a 1280x800 page within `totalTimeoutMs`, save
 * `failure.png` into `output` when it throws, and always close the browser.
 */
export async function withBrowserPage({ executablePath, output, totalTimeoutMs, what }, body) {
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: NAVIGATION_TIMEOUT_MS,
  });
  let page;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    await withTimeout(body(page), totalTimeoutMs, what);
  } catch (error) {
    if (page) {
      await page
        .screenshot({ path: path.join(output, 'failure.png'), fullPage: true, timeout: 5_000 })
        .catch(() => undefined);
    }
    throw error;
  } finally {
    await withTimeout(browser.close(), 10_000, 'closing the browser').catch(() => undefined);
  }
}

/** Exit 0 when `promise` resolves, else print why (the message of an E2EFailure) and exit 1. */
export function exitWith(label, promise) {
  promise.then(
    () => {
      console.log(`${label} passed`);
      process.exit(0);
    },
    (error) => {
      const message = error instanceof E2EFailure ? error.message : (error?.stack ?? String(error));
      console.error(`${label} FAILED: ${message}`);
      process.exit(1);
    },
  );
}
