// Browser test of a finished run and the model it published, against a running Tributary:
// sign in, open the run view, wait for every node to succeed, open the evaluation node's outputs
// and see the confusion matrix, predict one row from the model's "try it" form, re-run from the
// evaluation node with the cache and watch the new run finish with the upstream steps reused,
// then compare the two runs from the runs list and look at the datasets page.
//
// Environment: BASE_URL, E2E_USERNAME, E2E_PASSWORD, E2E_OUTPUT (screenshots),
// E2E_WORKSPACE_SLUG, E2E_RUN_ID, E2E_MODEL_NAME, E2E_PREDICT_INSTANCE (JSON: one instance
// {column: value}, a list of them, or {"instances": [...]}; the first is used).
// Optional: E2E_EVAL_NODE (node id; default: the first evaluate.* node), CHROMIUM_PATH
// (default /usr/bin/chromium), E2E_RUN_TIMEOUT_MS (waiting for the run, default 180000),
// E2E_TIMEOUT_MS (whole test, default 300000).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import {
  E2EFailure,
  NAVIGATION_TIMEOUT_MS,
  STEP_TIMEOUT_MS,
  exitWith,
  withBrowserPage,
} from './browser.mjs';

const RUN_TIMEOUT_MS = Number(process.env.E2E_RUN_TIMEOUT_MS ?? 180_000);
const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 300_000);
const FINAL_FAILURES = ['failed', 'skipped', 'cancelled'];
const DONE = ['succeeded', 'cached'];

function fail(message) {
  throw new E2EFailure(message);
}

const REQUIRED = [
  'BASE_URL',
  'E2E_USERNAME',
  'E2E_PASSWORD',
  'E2E_OUTPUT',
  'E2E_WORKSPACE_SLUG',
  'E2E_RUN_ID',
  'E2E_MODEL_NAME',
  'E2E_PREDICT_INSTANCE',
];

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    fail(`${name} is not set; the run test needs ${REQUIRED.join(', ')}.`);
  }
  return value;
}

/** The first instance of E2E_PREDICT_INSTANCE, as an object of column -> value. */
function parseInstance(raw) {
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    fail(`E2E_PREDICT_INSTANCE is not JSON: ${error.message}`);
  }
  const first = Array.isArray(parsed)
    ? parsed[0]
    : Array.isArray(parsed?.instances)
      ? parsed.instances[0]
      : parsed;
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    fail('E2E_PREDICT_INSTANCE must hold an object of column values, e.g. {"x": 1.5}');
  }
  return first;
}

let stepNumber = 0;
function step(message) {
  stepNumber += 1;
  console.log(`[run-e2e ${String(stepNumber).padStart(2, '0')}] ${message}`);
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
  return () => {
    if (problems.length > 0) {
      fail(`the page reported problems:\n  - ${problems.join('\n  - ')}`);
    }
  };
}

async function screenshot(page, env, name, { fullPage = true } = {}) {
  const file = path.join(env.output, name);
  await page.screenshot({ path: file, fullPage });
  console.log(`[run-e2e]    screenshot ${file}`);
}

async function signIn(page, env) {
  const signInForm = page.getByRole('form', { name: 'Sign in' });
  step(`sign in to ${env.baseUrl} as ${env.username}`);
  const response = await page.goto(env.baseUrl, { waitUntil: 'domcontentloaded' });
  if (!response || !response.ok()) {
    fail(`GET ${env.baseUrl} answered ${response ? response.status() : 'nothing'}`);
  }
  await signInForm.waitFor({ state: 'visible' });
  await signInForm.getByLabel('Username').fill(env.username);
  await signInForm.getByLabel('Password').fill(env.password);
  await signInForm.getByRole('button', { name: 'Sign in' }).click();
  await Promise.race([
    page.waitForURL(/\/w\//, { timeout: NAVIGATION_TIMEOUT_MS }),
    signInForm
      .getByRole('alert')
      .waitFor({ state: 'visible' })
      .then(async () =>
        fail(`sign-in refused: ${await signInForm.getByRole('alert').innerText()}`),
      ),
  ]);
}

/** The status of every node on the run canvas, by node id. */
async function nodeStatuses(page) {
  return page
    .locator('[data-testid^="run-node-"]')
    .evaluateAll((nodes) =>
      Object.fromEntries(
        nodes.map((node) => [node.dataset.testid.slice('run-node-'.length), node.dataset.status]),
      ),
    );
}

async function openRun(page, env, runId) {
  const url = `${env.baseUrl}/w/${env.slug}/runs/${runId}`;
  step(`open the run view ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
}

/** Every node of the run graph is drawn (React Flow hides a node it has no size for). */
async function expectAllNodesShown(page, runId, nodes) {
  for (const node of nodes) {
    await page
      .getByTestId(`run-node-${node}`)
      .waitFor({ state: 'visible', timeout: 5_000 })
      .catch(() => fail(`run ${runId} finished but its node "${node}" is not drawn`));
  }
}

/** Wait until every node of the run shown is done (succeeded or cached); their statuses. */
async function waitForRun(page, env, runId) {
  await page.getByRole('heading', { name: new RegExp(`Run #${runId}\\b`) }).waitFor();
  await page.locator('[data-testid^="run-node-"]').first().waitFor({ state: 'visible' });

  step(`wait up to ${RUN_TIMEOUT_MS} ms for every node of run ${runId} to succeed`);
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  let last = '';
  for (;;) {
    const statuses = await nodeStatuses(page);
    const summary = Object.entries(statuses)
      .map(([node, status]) => `${node}=${status}`)
      .join(' ');
    if (summary !== last) {
      console.log(`[run-e2e]    ${summary}`);
      last = summary;
    }
    const values = Object.values(statuses);
    if (values.length > 0 && values.every((status) => DONE.includes(status))) {
      await expectAllNodesShown(page, runId, Object.keys(statuses));
      return statuses;
    }
    const broken = Object.entries(statuses).filter(([, status]) => FINAL_FAILURES.includes(status));
    if (broken.length > 0) {
      await screenshot(page, env, 'run-view.png');
      const alerts = await page.getByRole('alert').allInnerTexts();
      fail(
        `run ${runId} will not succeed: ${broken.map(([n, s]) => `${n} ${s}`).join(', ')}` +
          (alerts.length ? `\n  shown: ${alerts.join(' | ')}` : ''),
      );
    }
    if (Date.now() > deadline) {
      fail(`run ${runId} did not finish within ${RUN_TIMEOUT_MS} ms: ${summary}`);
    }
    await page.waitForTimeout(500);
  }
}

async function openEvaluation(page, env, statuses) {
  let node = env.evalNode;
  if (!node) {
    node = await page
      .locator('[data-testid^="run-node-"][data-block^="evaluate."]')
      .first()
      .getAttribute('data-testid', { timeout: STEP_TIMEOUT_MS })
      .then((id) => id?.slice('run-node-'.length))
      .catch(() => undefined);
  }
  if (!node || !(node in statuses)) {
    fail(
      `no evaluation node on the canvas (nodes: ${Object.keys(statuses).join(', ')}); ` +
        'set E2E_EVAL_NODE',
    );
  }
  step(`open the outputs of node "${node}"`);
  await page.getByTestId(`run-node-${node}`).click();
  await page.waitForURL(new RegExp(`[?&]node=${node}\\b`));
  const matrix = page.getByRole('figure', { name: 'Confusion matrix' });
  await matrix.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
  const cells = await matrix.locator('td.heatmap__cell').count();
  if (cells === 0) {
    fail('the confusion matrix has no cells');
  }
  console.log(`[run-e2e]    confusion matrix with ${cells} cells`);
  // The header is sticky: a full-page picture would draw it over the middle of the page.
  await page.getByRole('region', { name: /^Node / }).scrollIntoViewIfNeeded();
  await screenshot(page, env, 'run-evaluation.png', { fullPage: false });
  return node;
}

async function predict(page, env) {
  step(`open the models page and model "${env.model}"`);
  await page.goto(`${env.baseUrl}/w/${env.slug}/models`, { waitUntil: 'domcontentloaded' });
  const link = page.getByRole('link', { name: env.model, exact: true });
  await link.waitFor({ state: 'visible' });
  await screenshot(page, env, 'models.png');
  await link.click();
  await page.getByRole('heading', { name: env.model, exact: true }).waitFor();

  const form = page.getByRole('form', { name: `Try ${env.model}` });
  await form.waitFor({ state: 'visible' });
  step(`fill the try-it form with ${JSON.stringify(env.instance)}`);
  for (const [column, value] of Object.entries(env.instance)) {
    const field = form.getByLabel(column, { exact: true });
    if ((await field.count()) === 0) {
      fail(`the try-it form has no field "${column}"`);
    }
    if (typeof value === 'boolean') {
      await field.setChecked(value);
    } else {
      await field.fill(value === null ? '' : String(value));
    }
  }
  step('press Predict');
  await form.getByRole('button', { name: 'Predict' }).click();
  const result = page.getByTestId('prediction-result');
  await Promise.race([
    result.waitFor({ state: 'visible' }),
    form
      .getByRole('alert')
      .waitFor({ state: 'visible' })
      .then(async () => fail(`predict failed: ${await form.getByRole('alert').innerText()}`)),
  ]);
  const text = (await result.innerText()).replace(/\s+/g, ' ').trim();
  if (!/^prediction\s+\S/i.test(text)) {
    fail(`the prediction result shows no prediction: "${text}"`);
  }
  console.log(`[run-e2e]    ${text}`);
  await screenshot(page, env, 'model-prediction.png');
}

/** Re-run from `node` with the cache from the run view; the new run's id once it is done. */
async function rerunFrom(page, env, node) {
  await openRun(page, env, env.runId);
  await page.getByRole('heading', { name: new RegExp(`Run #${env.runId}\\b`) }).waitFor();
  step(`re-run run ${env.runId} from node "${node}", reusing the cache`);
  await page.getByRole('button', { name: 'Re-run…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Re-run' });
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByLabel('Start from').selectOption(node);
  const cache = dialog.getByLabel('Reuse cached results of unchanged steps');
  if (!(await cache.isChecked())) {
    fail('the re-run dialog does not offer the cache by default');
  }
  await screenshot(page, env, 'rerun-dialog.png', { fullPage: false });
  await dialog.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL((url) => {
    const match = url.pathname.match(/\/runs\/(\d+)$/);
    return match !== null && match[1] !== String(env.runId);
  });
  const rerunId = page.url().match(/\/runs\/(\d+)/)[1];
  const statuses = await waitForRun(page, env, rerunId);
  const reused = Object.entries(statuses).filter(([, status]) => status === 'cached');
  if (reused.length === 0) {
    fail(`run ${rerunId} from "${node}" reused no step: ${JSON.stringify(statuses)}`);
  }
  if (statuses[node] !== 'succeeded') {
    fail(`run ${rerunId} did not run "${node}" again: it is ${statuses[node]}`);
  }
  console.log(`[run-e2e]    run ${rerunId} reused ${reused.map(([id]) => id).join(', ')}`);
  await screenshot(page, env, 'rerun-view.png');
  return rerunId;
}

/** Tick both runs in the runs list and open their side-by-side comparison. */
async function compareRuns(page, env, first, second) {
  step(`compare runs ${first} and ${second} from the runs list`);
  await page.goto(`${env.baseUrl}/w/${env.slug}/runs`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Runs', exact: true }).waitFor();
  for (const runId of [first, second]) {
    await page.getByRole('checkbox', { name: `Compare run #${runId}` }).check();
  }
  await screenshot(page, env, 'runs.png');
  await page.getByRole('button', { name: /^Compare/ }).click();
  await page.getByRole('heading', { name: 'Compare runs' }).waitFor();
  const metrics = page.getByRole('region', { name: 'Metrics' });
  await metrics.waitFor({ state: 'visible' });
  for (const runId of [first, second]) {
    const link = page.getByRole('link', { name: `Run #${runId}`, exact: true });
    if ((await link.count()) === 0) {
      fail(`the comparison does not show run #${runId}`);
    }
  }
  await screenshot(page, env, 'compare.png');
}

async function datasets(page, env) {
  step('open the datasets page');
  await page.goto(`${env.baseUrl}/w/${env.slug}/datasets`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('heading', { name: 'Datasets', exact: true }).waitFor();
  await screenshot(page, env, 'datasets.png');
}

async function run(page, env) {
  const assertNoProblems = watchProblems(page);
  await signIn(page, env);
  await openRun(page, env, env.runId);
  const statuses = await waitForRun(page, env, env.runId);
  await screenshot(page, env, 'run-view.png');
  assertNoProblems();
  const evalNode = await openEvaluation(page, env, statuses);
  assertNoProblems();
  await predict(page, env);
  assertNoProblems();
  const rerunId = await rerunFrom(page, env, evalNode);
  assertNoProblems();
  await compareRuns(page, env, env.runId, rerunId);
  assertNoProblems();
  await datasets(page, env);
  assertNoProblems();
}

async function main() {
  const env = {
    baseUrl: requireEnv('BASE_URL').replace(/\/$/, ''),
    username: requireEnv('E2E_USERNAME'),
    password: requireEnv('E2E_PASSWORD'),
    output: requireEnv('E2E_OUTPUT'),
    slug: requireEnv('E2E_WORKSPACE_SLUG'),
    runId: requireEnv('E2E_RUN_ID'),
    model: requireEnv('E2E_MODEL_NAME'),
    instance: parseInstance(requireEnv('E2E_PREDICT_INSTANCE')),
    evalNode: process.env.E2E_EVAL_NODE ?? '',
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
    { executablePath, output: env.output, totalTimeoutMs: TOTAL_TIMEOUT_MS, what: 'the run test' },
    (page) => run(page, env),
  );
}

exitWith('[run-e2e]', main());
