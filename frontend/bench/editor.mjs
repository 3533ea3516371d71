// The browser part of bench/editor.py: opens pipelines in the editor, each time in a fresh tab,
// and measures in the page, from requestAnimationFrame timestamps and long-task entries:
// the time to first render (every block in the DOM, measured and inside the canvas), the time
// until the editor is idle (the validation answer shown), frame intervals while a block is
// dragged with the mouse in small steps, and frame intervals with the editor left alone.
//
// Environment: BASE_URL, BENCH_PLAN (JSON: username, password, slug, repeat, viewport, and
// cases [{name, pipelineId, nodes, edges, drag}]), BENCH_RESULTS (where the JSON results go),
// BENCH_OUTPUT (a folder for a failure screenshot); optional: CHROMIUM_PATH (default
// /usr/bin/chromium). Progress goes to stdout (bench/editor.py passes it on to its stderr and
// prints the summary).
/* global document, requestAnimationFrame, window */
import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { E2EFailure, exitWith, withBrowserPage } from '../e2e/browser.mjs';

const OPEN_TIMEOUT_MS = 120_000;
const IDLE_SAMPLE_MS = 1_000;
const SETTLE_MS = 300;
// The drag: a rectangle of small mouse steps (dx, dy, steps), twice, back to where it began.
const DRAG_LEGS = [
  [3, 0, 40],
  [0, 3, 20],
  [-3, 0, 40],
  [0, -3, 20],
];
const DRAG_LOOPS = 2;
// A mouse reporting at 60 Hz.
const MOVE_INTERVAL_MS = 1000 / 60;
const DRAG_MOVES = DRAG_LOOPS * DRAG_LEGS.reduce((sum, [, , steps]) => sum + steps, 0);

function fail(message) {
  throw new E2EFailure(message);
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    fail(`${name} is not set; run the benchmark with bench/editor.py.`);
  }
  return value;
}

/**
 * Runs in the page before its own scripts (page.addInitScript): records every animation
 * frame's timestamp and every long task, and notes the frame at which all `expected` blocks
 * are shown on the canvas, then the one at which the validation answer is shown as well.
 */
function instrument({ expected, watch }) {
  const bench = {
    frames: [],
    longTasks: [],
    firstNode: null,
    firstRender: null,
    idle: null,
    validation: null,
    tracking: false,
    moves: 0,
    transforms: [],
    visibility: document.visibilityState,
  };
  window.__editorBench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        bench.longTasks.push([entry.startTime, entry.duration]);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    bench.longTasks = null;
  }

  // Mouse moves the page is given while dragging (one per frame at most, when it falls behind).
  window.addEventListener(
    'pointermove',
    () => {
      if (bench.tracking) {
        bench.moves += 1;
      }
    },
    { capture: true, passive: true },
  );

  function allShown() {
    const nodes = document.querySelectorAll('.react-flow__node');
    if (nodes.length !== expected) {
      return false;
    }
    for (const node of nodes) {
      if (node.style.visibility === 'hidden') {
        return false;
      }
    }
    const canvas = document.querySelector('.react-flow').getBoundingClientRect();
    for (const node of nodes) {
      const box = node.getBoundingClientRect();
      const inside =
        box.width > 0 &&
        box.left >= canvas.left - 1 &&
        box.right <= canvas.right + 1 &&
        box.top >= canvas.top - 1 &&
        box.bottom <= canvas.bottom + 1;
      if (!inside) {
        return false;
      }
    }
    return true;
  }

  function tick(time) {
    bench.frames.push(time);
    if (bench.firstNode === null && document.querySelector('.react-flow__node')) {
      bench.firstNode = time;
    }
    if (bench.firstRender === null && allShown()) {
      bench.firstRender = time;
    }
    if (bench.firstRender !== null && bench.idle === null) {
      const status = document.querySelector('[data-testid="validation-status"]');
      const state = status?.dataset.state;
      if (state === 'valid' || state === 'invalid') {
        bench.idle = time;
        bench.validation = state;
      }
    }
    if (bench.tracking) {
      const node = document.querySelector(`.react-flow__node[data-id="${watch}"]`);
      const transform = node?.style.transform ?? '';
      if (transform !== bench.transforms.at(-1)) {
        bench.transforms.push(transform);
      }
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}

const round = (value) => Math.round(value * 10) / 10;

/** Intervals between the frames whose timestamps lie in [from, to]. */
function intervals(frames, from, to) {
  const inside = frames.filter((time) => time >= from && time <= to);
  return inside.slice(1).map((time, index) => round(time - inside[index]));
}

function tasksIn(longTasks, from, to) {
  return (longTasks ?? [])
    .filter(([start]) => start >= from && start <= to)
    .map(([start, duration]) => [round(start), round(duration)]);
}

const now = (tab) => tab.evaluate(() => performance.now());
const nextFrames = (tab) =>
  tab.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );

async function signIn(page, plan, baseUrl) {
  const form = page.getByRole('form', { name: 'Sign in' });
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await form.waitFor({ state: 'visible' });
  await form.getByLabel('Username').fill(plan.username);
  await form.getByLabel('Password').fill(plan.password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('heading', { name: 'Pipelines', exact: true })
    .waitFor({ state: 'visible' })
    .catch(() => fail(`signing in as ${plan.username} did not reach the workspace home`));
}

/** The mouse's path: one point per step of DRAG_LEGS, DRAG_LOOPS times, from (x, y). */
function dragPath(x, y) {
  const points = [];
  for (let loop = 0; loop < DRAG_LOOPS; loop += 1) {
    for (const [dx, dy, steps] of DRAG_LEGS) {
      for (let step = 0; step < steps; step += 1) {
        x += dx;
        y += dy;
        points.push([x, y]);
      }
    }
  }
  return points;
}

/**
 * Press on the block, take it round the drag path and let go where it began (give or take a
 * step of the snap grid), then wait for the draft to be saved. The moves come at a mouse's
 * pace, each sent without waiting for the page to handle the one before, as a real mouse
 * does: a page that falls behind gets them coalesced, one per frame, and longer frames.
 */
async function drag(tab, id) {
  const box = await tab.locator(`.react-flow__node[data-id="${id}"]`).boundingBox();
  if (!box) {
    fail(`the block ${id} to drag has no box on the page`);
  }
  const x = Math.round(box.x + box.width / 2);
  const y = Math.round(box.y + box.height / 2);
  await tab.mouse.move(x, y);
  await tab.evaluate(() => {
    window.__editorBench.tracking = true;
  });
  const from = await now(tab);
  await tab.mouse.down();
  const sent = [];
  const start = performance.now();
  for (const [index, [toX, toY]] of dragPath(x, y).entries()) {
    const wait = start + (index + 1) * MOVE_INTERVAL_MS - performance.now();
    if (wait > 0) {
      await sleep(wait);
    }
    sent.push(tab.mouse.move(toX, toY));
  }
  await Promise.all(sent);
  await tab.mouse.up();
  await nextFrames(tab);
  const to = await now(tab);
  const { transforms, moves } = await tab.evaluate(() => {
    const bench = window.__editorBench;
    bench.tracking = false;
    return { transforms: bench.transforms, moves: bench.moves };
  });
  const positions = new Set(transforms).size;
  if (positions < 10) {
    fail(`dragging the block ${id} hardly moved it (${positions} positions)`);
  }
  await tab
    .locator('.save-state', { hasText: 'All changes saved' })
    .waitFor({ state: 'visible' })
    .catch(() => fail(`the draft was not saved after dragging the block ${id}`));
  return { from, to, moves, movedFrames: transforms.length - 1 };
}

/** Open one pipeline in a fresh tab and measure; the measurements of this opening. */
async function openOnce(context, env, testCase) {
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  try {
    await tab.setViewportSize(env.plan.viewport);
    await tab.addInitScript(instrument, { expected: testCase.nodes, watch: testCase.drag });
    const url = new URL(`/w/${env.plan.slug}/pipelines/${testCase.pipelineId}`, env.baseUrl);
    await tab.goto(url.href, { waitUntil: 'commit' });
    await tab
      .waitForFunction(() => window.__editorBench.idle !== null, null, {
        timeout: OPEN_TIMEOUT_MS,
        polling: 50,
      })
      .catch(async () => {
        const state = await tab.evaluate(() => ({
          nodes: document.querySelectorAll('.react-flow__node').length,
          shown: window.__editorBench.firstRender !== null,
          validation: document.querySelector('[data-testid="validation-status"]')?.textContent,
        }));
        fail(
          `${testCase.name} was not shown and validated within ${OPEN_TIMEOUT_MS} ms: ` +
            `${state.nodes} blocks in the DOM, all on the canvas: ${state.shown}, ` +
            `validation: ${state.validation ?? 'none'}; errors: ${errors.join('; ') || 'none'}`,
        );
      });
    await tab.waitForTimeout(SETTLE_MS);
    const idleFrom = await now(tab);
    await tab.waitForTimeout(IDLE_SAMPLE_MS);
    const idleTo = await now(tab);
    const dragged = await drag(tab, testCase.drag);
    const bench = await tab.evaluate(() => ({
      ...window.__editorBench,
      loaded: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
      transform: document.querySelector('.react-flow__viewport')?.style.transform ?? '',
    }));
    if (bench.visibility !== 'visible') {
      fail(`the tab was ${bench.visibility}: animation frames are throttled there`);
    }
    if (bench.validation !== 'valid') {
      fail(`${testCase.name} does not validate in the editor (it should: bench/editor.py checks)`);
    }
    if (errors.length > 0) {
      fail(`the page reported errors: ${errors.join('; ')}`);
    }
    return {
      case: testCase.name,
      nodes: testCase.nodes,
      loadedMs: round(bench.loaded),
      firstNodeMs: round(bench.firstNode),
      firstRenderMs: round(bench.firstRender),
      idleMs: round(bench.idle),
      validation: bench.validation,
      zoom: Number(/scale\(([\d.]+)\)/.exec(bench.transform)?.[1] ?? Number.NaN),
      longTasksObserved: bench.longTasks !== null,
      loadLongTasks: tasksIn(bench.longTasks, 0, bench.idle),
      idleIntervals: intervals(bench.frames, idleFrom, idleTo),
      dragMs: round(dragged.to - dragged.from),
      dragMovesHandled: dragged.moves,
      dragMovedFrames: dragged.movedFrames,
      dragIntervals: intervals(bench.frames, dragged.from, dragged.to),
      dragLongTasks: tasksIn(bench.longTasks, dragged.from, dragged.to),
    };
  } finally {
    await tab.close();
  }
}

function describe(run) {
  const sorted = [...run.dragIntervals].sort((a, b) => a - b);
  const p50 = sorted[Math.floor((sorted.length - 1) / 2)];
  return (
    `first render ${run.firstRenderMs} ms, idle ${run.idleMs} ms, ` +
    `drag frame p50 ${p50} ms max ${sorted.at(-1)} ms over ${sorted.length} frames`
  );
}

async function measure(page, env) {
  const { plan } = env;
  await signIn(page, plan, env.baseUrl);
  await page.goto('about:blank');
  const context = page.context();
  const runs = [];
  // One opening of each first, not counted: the HTTP cache, the server's caches, code caches.
  for (const testCase of plan.cases) {
    console.log(
      `[bench] warm-up, ${testCase.name}: ${describe(await openOnce(context, env, testCase))}`,
    );
  }
  for (let repetition = 1; repetition <= plan.repeat; repetition += 1) {
    // Alternate which size goes first, so a drift in the machine's load touches both alike.
    const order = repetition % 2 === 1 ? plan.cases : [...plan.cases].reverse();
    for (const testCase of order) {
      const run = { ...(await openOnce(context, env, testCase)), repetition };
      console.log(`[bench] ${testCase.name}, ${repetition}/${plan.repeat}: ${describe(run)}`);
      runs.push(run);
    }
  }
  const userAgent = await page.evaluate(() => navigator.userAgent);
  return {
    environment: {
      browser: `chromium ${context.browser().version()}`,
      userAgent,
      viewport: plan.viewport,
      dragMoves: DRAG_MOVES,
    },
    runs,
  };
}

async function main() {
  const env = {
    baseUrl: requireEnv('BASE_URL'),
    plan: JSON.parse(requireEnv('BENCH_PLAN')),
    results: requireEnv('BENCH_RESULTS'),
    output: requireEnv('BENCH_OUTPUT'),
  };
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    fail(`no Chromium at ${executablePath}: install Debian's chromium (make chromium).`);
  }
  const openings = (env.plan.repeat + 1) * env.plan.cases.length;
  await withBrowserPage(
    {
      executablePath,
      output: env.output,
      totalTimeoutMs: 60_000 + openings * OPEN_TIMEOUT_MS,
      what: 'the editor benchmark',
    },
    async (page) => {
      const results = await measure(page, env);
      writeFileSync(env.results, JSON.stringify(results));
    },
  );
}

exitWith('[bench editor]', main());
