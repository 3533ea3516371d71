// Browser test of the pipeline editor against a running Tributary: sign in, create a pipeline,
// drag blocks from the palette, connect their ports (and see a wrong connection refused),
// configure the blocks, wait for validation to pass, save a version, and start a run that
// publishes the model.
//
// Environment: BASE_URL, E2E_USERNAME, E2E_PASSWORD, E2E_OUTPUT (screenshots); optional:
// E2E_WORKSPACE_SLUG (default: the workspace the sign-in lands on), E2E_PIPELINE_NAME,
// E2E_MODEL_NAME (the name the publish block registers; default iris-editor-test),
// E2E_EDITOR_RUN=0 (stop before pressing Run), CHROMIUM_PATH (default /usr/bin/chromium),
// E2E_TIMEOUT_MS (whole run, default 180000).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { E2EFailure, NAVIGATION_TIMEOUT_MS, exitWith, withBrowserPage } from './browser.mjs';

const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 180_000);

// The blocks the pipeline is built from, by their titles in the catalogue, and where each is
// dropped on the canvas (pixels from the canvas's top-left corner).
const BLOCKS = {
  sample: { title: 'Sample dataset', at: { x: 140, y: 90 } },
  split: { title: 'Train/test split', at: { x: 390, y: 90 } },
  scale: { title: 'Scale', at: { x: 630, y: 90 } },
  train: { title: 'Train (scikit-learn)', at: { x: 140, y: 300 } },
  evaluate: { title: 'Evaluate classifier', at: { x: 390, y: 300 } },
  publish: { title: 'Publish model', at: { x: 630, y: 300 } },
};

// Output -> input connections, by the keys above.
const CONNECTIONS = [
  ['sample', 'table', 'split', 'table'],
  ['split', 'train', 'scale', 'train'],
  ['split', 'test', 'scale', 'test'],
  ['scale', 'train', 'train', 'train'],
  ['train', 'model', 'evaluate', 'model'],
  ['scale', 'test', 'evaluate', 'test'],
  ['train', 'model', 'publish', 'model'],
  ['evaluate', 'metrics', 'publish', 'metrics'],
];

class EditorFailure extends E2EFailure {}

function fail(message) {
  throw new EditorFailure(message);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    fail(
      `${name} is not set; the editor test needs BASE_URL, E2E_USERNAME, E2E_PASSWORD and E2E_OUTPUT.`,
    );
  }
  return value;
}

let stepNumber = 0;
function step(message) {
  stepNumber += 1;
  console.log(`[editor ${String(stepNumber).padStart(2, '0')}] ${message}`);
}

/** Collects what must not happen on any page: uncaught errors, console errors, API 5xx. */
function watchProblems(page) {
  const problems = [];
  let watching = true;
  page.on('pageerror', (error) => {
    if (watching) problems.push(`uncaught error in the page: ${error.message}`);
  });
  page.on('console', (message) => {
    if (!watching || message.type() !== 'error') {
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
    if (
      watching &&
      new URL(response.url()).pathname.startsWith('/api/') &&
      response.status() >= 500
    ) {
      problems.push(
        `${response.request().method()} ${response.url()} answered ${response.status()}`,
      );
    }
  });
  return {
    check() {
      if (problems.length > 0) {
        fail(`the page reported problems:\n  - ${problems.join('\n  - ')}`);
      }
    },
    stop() {
      watching = false;
    },
  };
}

async function screenshot(page, env, name) {
  await page.screenshot({ path: path.join(env.output, `${name}.png`) });
}

async function signIn(page, env) {
  const signInForm = page.getByRole('form', { name: 'Sign in' });
  const response = await page.goto(env.baseUrl, { waitUntil: 'domcontentloaded' });
  if (!response || !response.ok()) {
    fail(`GET ${env.baseUrl} answered ${response ? response.status() : 'nothing'}`);
  }
  await signInForm.waitFor({ state: 'visible' });
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
}

/** The centre of an element on the page, failing with `what` when it is not visible. */
async function centre(locator, what) {
  await locator.waitFor({ state: 'visible' }).catch(() => fail(`${what} is not visible`));
  const box = await locator.boundingBox();
  if (!box) {
    fail(`${what} has no box on the page`);
  }
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag with the mouse from one element to another, in small steps as a person would. */
async function dragBetween(page, from, to, what, { release = true } = {}) {
  const start = await centre(from, `the start of ${what}`);
  const end = await centre(to, `the end of ${what}`);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 8, start.y + 4, { steps: 4 });
  await page.mouse.move(end.x, end.y, { steps: 16 });
  if (release) {
    await page.mouse.up();
  }
}

/** The canvas id of the node showing `title` (React Flow's wrapper carries it as data-id). */
async function nodeIdOf(page, title) {
  const node = page
    .locator('.react-flow__node')
    .filter({ has: page.locator('.block-node__title', { hasText: title }) });
  await node
    .first()
    .waitFor({ state: 'visible' })
    .catch(() => fail(`no node titled "${title}" appeared on the canvas`));
  const count = await node.count();
  if (count !== 1) {
    fail(`expected one node titled "${title}" on the canvas, found ${count}`);
  }
  return node.getAttribute('data-id');
}

async function waitForSaved(page) {
  const state = page.locator('.save-state');
  await page
    .locator('.save-state', { hasText: 'All changes saved' })
    .waitFor({ state: 'visible' })
    .catch(async () =>
      fail(`the draft was not saved; the editor says "${await state.innerText()}"`),
    );
}

async function run(page, env) {
  const problems = watchProblems(page);
  const shot = (name) => screenshot(page, env, name);

  step(`sign in at ${env.baseUrl} as ${env.username}`);
  await signIn(page, env);
  let slug = env.workspaceSlug;
  if (slug) {
    await page.goto(new URL(`/w/${slug}`, env.baseUrl).href);
  } else {
    slug = new URL(page.url()).pathname.split('/')[2];
    if (!slug) {
      fail(`expected to land on a workspace at /w/<slug>, landed on ${page.url()}`);
    }
  }
  problems.check();

  step(`create the pipeline "${env.pipelineName}" in workspace "${slug}"`);
  const pipelines = page.getByRole('region', { name: 'Pipelines' });
  await pipelines.getByRole('link', { name: 'New pipeline' }).click();
  const form = page.getByRole('form', { name: 'New pipeline' });
  await form.getByLabel('Name').fill(env.pipelineName);
  await shot('01-new-pipeline');
  await form.getByRole('button', { name: 'Create pipeline' }).click();
  await page.waitForURL(/\/w\/[^/]+\/pipelines\/\d+$/, { timeout: NAVIGATION_TIMEOUT_MS });
  await page.locator('.react-flow__pane').waitFor({ state: 'visible' });
  await page.getByText('This pipeline is empty').waitFor({ state: 'visible' });
  const name = await page.locator('.editor-toolbar__name').innerText();
  if (name.trim() !== env.pipelineName) {
    fail(`the editor shows the pipeline "${name}", expected "${env.pipelineName}"`);
  }
  await shot('02-empty-editor');
  problems.check();

  step('check the palette: grouped by family, with search and descriptions on hover');
  const palette = page.getByRole('complementary', { name: 'Blocks' });
  for (const family of ['Ingest', 'Features', 'Train', 'Evaluate', 'Publish']) {
    if (!(await palette.getByRole('heading', { name: family, exact: true }).isVisible())) {
      fail(`the palette has no "${family}" group`);
    }
  }
  await palette.getByRole('button', { name: 'Scale', exact: true }).hover();
  const tip = page.getByRole('tooltip').filter({ hasText: 'Scale numeric columns' });
  await tip
    .waitFor({ state: 'visible' })
    .catch(() => fail('hovering "Scale" shows no description'));
  await shot('03-palette-tooltip');
  await palette.getByLabel('Search blocks').fill('split');
  if ((await palette.getByRole('button').count()) !== 1) {
    fail('searching the palette for "split" does not leave exactly one block');
  }
  await palette.getByLabel('Search blocks').fill('');

  step('drag the blocks onto the canvas');
  const pane = page.locator('.react-flow__pane');
  const ids = {};
  for (const [key, block] of Object.entries(BLOCKS)) {
    const item = palette.getByRole('button', { name: block.title, exact: true });
    if ((await item.count()) !== 1) {
      fail(`the palette has no block titled "${block.title}"`);
    }
    await item.dragTo(pane, { targetPosition: block.at });
    ids[key] = await nodeIdOf(page, block.title);
  }
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.waitForTimeout(400);
  await waitForSaved(page);
  await shot('04-blocks-dropped');
  problems.check();

  step('refuse a connection between ports of different types, with a hint');
  const handle = (key, direction, port) =>
    page.getByTestId(`handle-${ids[key]}-${direction}-${port}`);
  await dragBetween(
    page,
    handle('train', 'out', 'model'),
    handle('scale', 'in', 'test'),
    'a model-to-table connection',
    { release: false },
  );
  const hint = page.locator('.canvas__hint-text');
  await hint.waitFor({ state: 'visible' }).catch(() => fail('no hint for a refused connection'));
  const hintText = await hint.innerText();
  if (!/Types differ/.test(hintText)) {
    fail(`the refused connection's hint says "${hintText}", expected it to explain the types`);
  }
  await shot('05-refused-connection');
  await page.mouse.up();
  if ((await page.locator('.react-flow__edge').count()) !== 0) {
    fail('a connection between a model output and a table input was made');
  }

  step('connect the ports by dragging between handles');
  for (const [source, sourcePort, target, targetPort] of CONNECTIONS) {
    const what = `${source}.${sourcePort} -> ${target}.${targetPort}`;
    await dragBetween(
      page,
      handle(source, 'out', sourcePort),
      handle(target, 'in', targetPort),
      what,
    );
    const edgeId = `${ids[source]}:${sourcePort}->${ids[target]}:${targetPort}`;
    await page
      .getByTestId(`rf__edge-${edgeId}`)
      .waitFor({ state: 'attached' })
      .catch(() => fail(`dragging ${what} made no connection`));
  }
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await page.waitForTimeout(400);
  await waitForSaved(page);
  await shot('06-connected');
  problems.check();

  step('configure the training block: choose an algorithm');
  await page.locator(`.react-flow__node[data-id="${ids.train}"] .block-node__title`).click();
  const settings = page.getByRole('complementary', { name: 'Block settings' });
  await settings
    .getByRole('heading', { name: BLOCKS.train.title })
    .waitFor({ state: 'visible' })
    .catch(() => fail('selecting the training block does not show its settings'));
  const algorithm = settings.getByLabel('Algorithm', { exact: true });
  await algorithm.selectOption('logistic_regression');
  await settings.getByLabel('Max Iter', { exact: true }).fill('500');
  await waitForSaved(page);
  await shot('07-configured');

  step(`configure the publish block: register the model as "${env.modelName}"`);
  await page.locator(`.react-flow__node[data-id="${ids.publish}"] .block-node__title`).click();
  await settings
    .getByRole('heading', { name: BLOCKS.publish.title })
    .waitFor({ state: 'visible' })
    .catch(() => fail('selecting the publish block does not show its settings'));
  await settings.getByLabel('Name', { exact: true }).fill(env.modelName);
  await waitForSaved(page);

  step('wait for validation to pass');
  const validation = page.getByTestId('validation-status');
  await page
    .locator('[data-testid="validation-status"][data-state="valid"]')
    .waitFor({ state: 'visible', timeout: 20_000 })
    .catch(async () => {
      const listed = await page.locator('.problems__list li').allInnerTexts();
      fail(
        `validation did not pass: "${await validation.innerText()}"` +
          (listed.length ? `; problems:\n  - ${listed.join('\n  - ')}` : ''),
      );
    });
  if (!(await page.getByText('No problems: the pipeline can run.').isVisible())) {
    fail('the problems panel does not say the pipeline can run');
  }
  await shot('08-valid');
  problems.check();

  step('save a version with a message');
  await page.getByRole('button', { name: 'Save version', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Save a version' });
  await dialog.getByLabel('Message').fill('Logistic regression on scaled iris');
  await shot('09-save-version-dialog');
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await page
    .getByText('Saved version 1.')
    .waitFor({ state: 'visible' })
    .catch(async () =>
      fail(`saving a version failed: ${(await dialog.innerText()).replace(/\s+/g, ' ')}`),
    );
  await page.getByRole('button', { name: 'Versions' }).click();
  const versions = page.getByRole('complementary', { name: 'Versions' });
  await versions
    .getByText('Logistic regression on scaled iris')
    .waitFor({ state: 'visible' })
    .catch(() => fail('the version history does not list the saved version'));
  await shot('10-versions');
  problems.check();

  if (env.run) {
    step('run the pipeline and land on its run page');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page
      .waitForURL(/\/w\/[^/]+\/runs\/\d+$/, { timeout: NAVIGATION_TIMEOUT_MS })
      .catch(() => fail(`pressing Run did not open the run page; still at ${page.url()}`));
    problems.check();
    problems.stop();
    await page.waitForTimeout(1000);
    await shot('11-run-page');
  }
}

async function main() {
  const env = {
    baseUrl: requireEnv('BASE_URL'),
    username: requireEnv('E2E_USERNAME'),
    password: requireEnv('E2E_PASSWORD'),
    output: requireEnv('E2E_OUTPUT'),
    workspaceSlug: process.env.E2E_WORKSPACE_SLUG ?? '',
    pipelineName: process.env.E2E_PIPELINE_NAME || `Editor test ${new Date().toISOString()}`,
    modelName: process.env.E2E_MODEL_NAME || 'iris-editor-test',
    run: process.env.E2E_EDITOR_RUN !== '0',
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
      what: 'the editor test',
    },
    (page) => run(page, env),
  );
}

exitWith('[editor]', main());
