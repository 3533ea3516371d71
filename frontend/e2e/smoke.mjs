// Browser smoke test against a running Tributary: sign in, see the workspace home, sign out.
//
// Environment: BASE_URL, E2E_USERNAME, E2E_PASSWORD, E2E_WORKSPACE_NAME, E2E_OUTPUT (screenshots);
// optional: E2E_PIPELINE_NAME (must be listed), CHROMIUM_PATH (default /usr/bin/chromium),
// E2E_TIMEOUT_MS (whole run, default 120000).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { E2EFailure, STEP_TIMEOUT_MS, exitWith, withBrowserPage } from './browser.mjs';

const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 120_000);

class SmokeFailure extends E2EFailure {}

function fail(message) {
  throw new SmokeFailure(message);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    fail(
      `${name} is not set; the smoke test needs BASE_URL, E2E_USERNAME, E2E_PASSWORD, E2E_WORKSPACE_NAME and E2E_OUTPUT.`,
    );
  }
  return value;
}

let stepNumber = 0;
function step(message) {
  stepNumber += 1;
  console.log(`[smoke ${String(stepNumber).padStart(2, '0')}] ${message}`);
}

/** Collects what must not happen on any page: uncaught errors, console errors, API 5xx. */
function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught error in the page: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') {
      return;
    }
    const text = message.text();
    // Chromium logs every 4xx as a console error; a 401 before sign-in is expected.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) {
      return;
    }
    problems.push(`console error: ${text}`);
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/') && response.status() >= 500) {
      problems.push(
        `${response.request().method()} ${response.url()} answered ${response.status()}`,
      );
    }
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown reason';
    if (new URL(request.url()).pathname.startsWith('/api/') && !reason.includes('ERR_ABORTED')) {
      problems.push(`${request.method()} ${request.url()} failed: ${reason}`);
    }
  });
  return () => {
    if (problems.length > 0) {
      fail(`the page reported problems:\n  - ${problems.join('\n  - ')}`);
    }
  };
}

async function waitForSections(page) {
  const loading = page.getByRole('status');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while ((await loading.count()) > 0) {
    if (Date.now() > deadline) {
      fail(
        `still loading after ${STEP_TIMEOUT_MS} ms: ${(await loading.allInnerTexts()).join(', ')}`,
      );
    }
    await page.waitForTimeout(200);
  }
  const alerts = await page.getByRole('alert').allInnerTexts();
  if (alerts.length > 0) {
    const shown = alerts.map((text) => text.replace(/\s+/g, ' ').trim());
    fail(`the workspace home shows errors: ${shown.join(' | ')}`);
  }
}

async function run(page, env) {
  const assertNoProblems = watchProblems(page);
  const signInForm = page.getByRole('form', { name: 'Sign in' });

  step(`open ${env.baseUrl}`);
  const response = await page.goto(env.baseUrl, { waitUntil: 'domcontentloaded' });
  if (!response || !response.ok()) {
    fail(`GET ${env.baseUrl} answered ${response ? response.status() : 'nothing'}`);
  }

  step('wait for the sign-in form');
  await signInForm.waitFor({ state: 'visible' });
  await page.screenshot({ path: path.join(env.output, 'sign-in.png'), fullPage: true });
  assertNoProblems();

  step(`sign in as ${env.username}`);
  await signInForm.getByLabel('Username').fill(env.username);
  await signInForm.getByLabel('Password').fill(env.password);
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await Promise.race([
    page.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor({ state: 'visible' }),
    signInForm
      .getByRole('alert')
      .waitFor({ state: 'visible' })
      .then(async () =>
        fail(`sign-in refused: ${await signInForm.getByRole('alert').innerText()}`),
      ),
  ]);

  step('wait for the workspace home to load');
  if (!new URL(page.url()).pathname.startsWith('/w/')) {
    fail(`expected a workspace home at /w/<slug>, landed on ${page.url()}`);
  }
  await waitForSections(page);
  for (const heading of ['Pipelines', 'Datasets', 'Runs']) {
    if (!(await page.getByRole('heading', { name: heading, exact: true }).isVisible())) {
      fail(`the workspace home has no "${heading}" section`);
    }
  }
  const header = page.getByRole('banner');
  if (!(await header.getByText('Tributary', { exact: true }).isVisible())) {
    fail('the header does not show "Tributary"');
  }
  if (!(await header.getByText(env.username, { exact: true }).isVisible())) {
    fail(`the header does not show the username ${env.username}`);
  }

  step(`check the workspace switcher shows "${env.workspaceName}"`);
  const switcher = page.getByLabel('Workspace', { exact: true });
  const shown = await switcher.evaluate((select) => select.selectedOptions[0]?.textContent ?? '');
  if (shown.trim() !== env.workspaceName) {
    fail(`the workspace switcher shows "${shown.trim()}", expected "${env.workspaceName}"`);
  }

  if (env.pipelineName) {
    step(`check the pipeline "${env.pipelineName}" is listed`);
    const pipelines = page.getByRole('region', { name: 'Pipelines' });
    const listed = await pipelines.getByText(env.pipelineName, { exact: true }).count();
    if (listed === 0) {
      const names = await pipelines.locator('tbody th').allInnerTexts();
      fail(
        `pipeline "${env.pipelineName}" is not listed; the list has: ${names.join(', ') || 'nothing'}`,
      );
    }
  }

  await page.screenshot({ path: path.join(env.output, 'home.png'), fullPage: true });
  assertNoProblems();

  step('sign out');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInForm.waitFor({ state: 'visible' });
  if (await page.getByRole('heading', { name: 'Pipelines', exact: true }).isVisible()) {
    fail('the workspace home is still shown after signing out');
  }
  assertNoProblems();
}

async function main() {
  const env = {
    baseUrl: requireEnv('BASE_URL'),
    username: requireEnv('E2E_USERNAME'),
    password: requireEnv('E2E_PASSWORD'),
    workspaceName: requireEnv('E2E_WORKSPACE_NAME'),
    output: requireEnv('E2E_OUTPUT'),
    pipelineName: process.env.E2E_PIPELINE_NAME ?? '',
  };
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    fail(
      `no Chromium at ${executablePath}: install Debian's chromium (make chromium) or set CHROMIUM_PATH.`,
    );
  }
  mkdirSync(env.output, { recursive: true });

  step(`launch ${executablePath}`);
  await withBrowserPage(
    {
      executablePath,
      output: env.output,
      totalTimeoutMs: TOTAL_TIMEOUT_MS,
      what: 'the smoke test',
    },
    (page) => run(page, env),
  );
}

exitWith('[smoke]', main());
