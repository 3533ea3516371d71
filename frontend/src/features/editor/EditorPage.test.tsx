import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { beforeEach, describe, expect, it } from 'vitest';

import { Providers } from '../../app/Providers';
import { createQueryClient } from '../../app/queryClient';
import type { Graph } from '../../graph/types';
import { BLOCKS } from '../../test/blocks';
import { mockApi } from '../../test/mockApi';
import { stubReactFlowBrowser } from '../../test/reactFlow';
import { EditorPage } from './EditorPage';

const page = <T,>(results: T[]) => ({ count: results.length, next: null, previous: null, results });

const GRAPH: Graph = {
  nodes: [
    { id: 'iris', block: 'ingest.sample', config: { name: 'iris' }, position: { x: 0, y: 0 } },
    {
      id: 'split',
      block: 'feature.split',
      config: { test_size: 0.25 },
      position: { x: 300, y: 0 },
      label: 'Holdout',
    },
  ],
  edges: [{ source: 'iris', source_port: 'table', target: 'split', target_port: 'table' }],
};

function pipeline(revision: number, graph: Graph = GRAPH) {
  return {
    id: 7,
    name: 'Iris classifier',
    description: '',
    graph,
    revision,
    latest_version: null,
    created_by: 'ada',
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  };
}

const BASE = '/api/v1/workspaces/demo';

function baseRoutes() {
  return {
    'GET /api/v1/workspaces/': {
      body: page([
        { id: 1, name: 'Demo', slug: 'demo', role: 'editor', created_at: '2025-01-01T00:00:00Z' },
      ]),
    },
    'GET /api/v1/blocks/': { body: BLOCKS },
    [`GET ${BASE}/datasets/`]: { body: page([]) },
    [`POST ${BASE}/pipelines/7/validate/`]: {
      body: {
        valid: false,
        errors: [{ node: 'split', field: 'test_size', message: 'Input should be less than 0.95' }],
      },
    },
  };
}

const MODELS: Graph = {
  nodes: [
    ...GRAPH.nodes,
    {
      id: 'mlp',
      block: 'train.torch_mlp',
      config: { hidden_layers: [16, 16] },
      position: { x: 600, y: 0 },
    },
    { id: 'forest', block: 'train.sklearn', config: {}, position: { x: 600, y: 200 } },
    { id: 'forest2', block: 'train.sklearn', config: {}, position: { x: 600, y: 400 } },
  ],
  edges: GRAPH.edges,
};

function routesWith(graph: Graph, saves: Graph[] = [], role = 'editor') {
  return {
    ...baseRoutes(),
    'GET /api/v1/workspaces/': {
      body: page([{ id: 1, name: 'Demo', slug: 'demo', role, created_at: '2025-01-01T00:00:00Z' }]),
    },
    [`GET ${BASE}/pipelines/7/`]: { body: pipeline(3, graph) },
    [`PATCH ${BASE}/pipelines/7/`]: (init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { revision: number; graph: Graph };
      saves.push(body.graph);
      return { body: pipeline(body.revision + 1, body.graph) };
    },
  };
}

async function selectNode(id: string) {
  const node = await screen.findByTestId(`node-${id}`);
  fireEvent.click(node);
  return screen.getByRole('complementary', { name: 'Block settings' });
}

function renderEditor() {
  const router = createMemoryRouter([{ path: '/w/:slug/pipelines/:id', element: <EditorPage /> }], {
    initialEntries: ['/w/demo/pipelines/7'],
  });
  render(
    <Providers client={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return router;
}

/** A mouse event as a browser sends it: with its window as `view`, which d3-drag listens on. */
function mouse(type: string, target: EventTarget, clientX: number, clientY: number) {
  const event = new MouseEvent(type, {
    bubbles: true,
    cancelable: true,
    button: 0,
    clientX,
    clientY,
  });
  Object.defineProperty(event, 'view', { value: window });
  act(() => {
    target.dispatchEvent(event);
  });
}

beforeEach(() => {
  document.cookie = 'csrftoken=tok';
  stubReactFlowBrowser();
});

describe('the editor page', () => {
  it('shows the palette by family, the blocks with their titles and handles, and problems', async () => {
    mockApi({ ...baseRoutes(), [`GET ${BASE}/pipelines/7/`]: { body: pipeline(3) } });
    renderEditor();

    const palette = await screen.findByRole('complementary', { name: 'Blocks' });
    expect(
      within(palette)
        .getAllByRole('heading', { level: 3 })
        .map((h) => h.textContent),
    ).toEqual(['Ingest', 'Features', 'Train', 'Evaluate', 'Publish']);
    const item = within(palette).getByRole('button', { name: 'Sample dataset' });
    expect(item).toHaveAttribute('draggable', 'true');
    expect(item).toHaveAccessibleDescription(/A bundled sample dataset/);
    fireEvent.change(within(palette).getByLabelText('Search blocks'), {
      target: { value: 'one-hot' },
    });
    expect(
      within(palette)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['One-hot encode']);

    expect(
      await screen.findByText('Train/test split', { selector: '.block-node__title' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Holdout', { selector: '.block-node__label' })).toBeInTheDocument();
    expect(screen.getByTestId('handle-iris-out-table')).toBeInTheDocument();
    expect(screen.getByTestId('handle-split-in-table')).toBeInTheDocument();
    expect(screen.getByTestId('handle-split-out-test')).toBeInTheDocument();

    const problems = screen.getByRole('region', { name: /Problems/ });
    expect(await within(problems).findByText('Input should be less than 0.95')).toBeInTheDocument();
    expect(screen.getByTestId('validation-status')).toHaveTextContent('1 problem');
    expect(screen.getByRole('img', { name: '1 problem' })).toBeInTheDocument();

    fireEvent.click(within(problems).getByRole('button', { name: /Holdout/ }));
    const settings = screen.getByRole('complementary', { name: 'Block settings' });
    expect(within(settings).getByRole('heading', { name: 'Train/test split' })).toBeInTheDocument();
    expect(within(settings).getByLabelText('Test Size')).toHaveAttribute('aria-invalid', 'true');
  });

  it('lists the shortcuts of the editor commands while no block is selected', async () => {
    mockApi({ ...baseRoutes(), [`GET ${BASE}/pipelines/7/`]: { body: pipeline(3) } });
    renderEditor();

    const settings = await screen.findByRole('complementary', { name: 'Block settings' });
    const terms = within(settings)
      .getAllByRole('term')
      .map((term) => [term.textContent, term.nextElementSibling?.textContent]);
    expect(terms).toEqual(
      expect.arrayContaining([
        ['Undo', 'Ctrl/⌘+Z'],
        ['Redo', 'Ctrl/⌘+Shift+Z'],
        ['Delete selection', 'Delete or Backspace'],
      ]),
    );
    // The same keys as the toolbar's buttons announce: one list of commands.
    expect(screen.getByRole('button', { name: 'Undo' })).toHaveAttribute(
      'aria-keyshortcuts',
      'Control+Z Meta+Z',
    );
  });

  it('autosaves edits with the revision, undoes them, and reports a conflict', async () => {
    const saves: { revision: number; graph: Graph }[] = [];
    let conflict = false;
    mockApi({
      ...baseRoutes(),
      [`GET ${BASE}/pipelines/7/`]: () => ({ body: pipeline(conflict ? 9 : 3) }),
      [`PATCH ${BASE}/pipelines/7/`]: (init) => {
        const body = JSON.parse(String(init.body)) as { revision: number; graph: Graph };
        saves.push(body);
        if (conflict) {
          return {
            status: 409,
            body: { message: 'stale revision', code: 'conflict', field: 'revision' },
          };
        }
        return { body: pipeline(body.revision + 1, body.graph) };
      },
    });
    renderEditor();

    fireEvent.click(
      await screen.findByText('Train/test split', { selector: '.block-node__title' }),
    );
    const settings = screen.getByRole('complementary', { name: 'Block settings' });
    const seed = within(settings).getByLabelText('Seed');
    fireEvent.focus(seed);
    fireEvent.change(seed, { target: { value: '42' } });

    await waitFor(() => expect(saves).toHaveLength(1), { timeout: 3000 });
    expect(saves[0]?.revision).toBe(3);
    expect(saves[0]?.graph.nodes[1]?.config).toEqual({ test_size: 0.25, seed: 42 });
    await waitFor(() =>
      expect(document.querySelector('.save-state')?.textContent).toBe('All changes saved'),
    );

    fireEvent.blur(seed);
    act(() => {
      fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    });
    expect(within(settings).getByLabelText('Seed')).toHaveValue(null);
    await waitFor(() => expect(saves).toHaveLength(2), { timeout: 3000 });
    expect(saves[1]?.revision).toBe(4);
    expect(saves[1]?.graph.nodes[1]?.config).toEqual({ test_size: 0.25 });

    conflict = true;
    act(() => {
      fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true, shiftKey: true });
    });
    const banner = await screen.findByRole('alert', {}, { timeout: 3000 });
    expect(banner).toHaveTextContent('Someone else saved this pipeline');
    expect(screen.getByText('Not saved: conflict')).toBeInTheDocument();

    fireEvent.click(within(banner).getByRole('button', { name: 'Reload' }));
    expect(await screen.findByText('Reloaded the latest saved draft.')).toBeInTheDocument();
    expect(screen.queryByText('Someone else saved this pipeline')).not.toBeInTheDocument();
    expect(screen.getByText('All changes saved')).toBeInTheDocument();
  });

  it('moves dragged blocks on the canvas alone, then saves the move as one undo step', async () => {
    const saves: Graph[] = [];
    mockApi({
      ...baseRoutes(),
      [`GET ${BASE}/pipelines/7/`]: { body: pipeline(3) },
      [`PATCH ${BASE}/pipelines/7/`]: (init) => {
        const body = JSON.parse(String(init.body)) as { revision: number; graph: Graph };
        saves.push(body.graph);
        return { body: pipeline(body.revision + 1, body.graph) };
      },
    });
    renderEditor();
    const title = await screen.findByText('Train/test split', { selector: '.block-node__title' });
    const node = title.closest<HTMLElement>('.react-flow__node');
    await waitFor(() => expect(node?.style.visibility).not.toBe('hidden'));
    const shownAt = () => node?.style.transform;
    const opened = shownAt();

    mouse('mousedown', title, 100, 100);
    for (const x of [110, 130, 160, 200]) {
      mouse('mousemove', window, x, 120);
    }
    await waitFor(() => expect(shownAt()).not.toBe(opened));
    // Still dragging: the graph (and so the draft to save) has not changed yet.
    expect(screen.getByText('All changes saved')).toBeInTheDocument();
    const dragged = shownAt();
    mouse('mouseup', window, 200, 120);

    await waitFor(() => expect(saves).toHaveLength(1), { timeout: 3000 });
    const split = saves[0]?.nodes.find((saved) => saved.id === 'split');
    expect(split?.position).not.toEqual(GRAPH.nodes[1]?.position);
    expect(split?.position.x).toBeGreaterThan(300);
    expect(shownAt()).toBe(dragged);

    act(() => {
      fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    });
    await waitFor(() => expect(shownAt()).toBe(opened));
    await waitFor(() => expect(saves).toHaveLength(2), { timeout: 3000 });
    expect(saves[1]).toEqual(GRAPH);
  });

  it('shows settings text that was not applied as not saved, and does not run it', async () => {
    const saves: Graph[] = [];
    mockApi(routesWith(MODELS, saves));
    renderEditor();
    const settings = await selectNode('mlp');
    const layers = within(settings).getByLabelText('Hidden Layers');
    fireEvent.focus(layers);
    fireEvent.change(layers, { target: { value: '16, abc' } });
    fireEvent.blur(layers);

    expect(layers).toHaveValue('16, abc');
    expect(layers).toHaveAccessibleDescription(/Not applied: “abc” is not a number/);
    expect(document.querySelector('.save-state')).toHaveTextContent(
      'Not saved: a setting was not applied',
    );
    expect(screen.getByTestId('validation-status')).toHaveTextContent('1 setting to fix');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /not applied, so the pipeline was not run/,
    );

    fireEvent.focus(layers);
    fireEvent.change(layers, { target: { value: '16, 8' } });
    await waitFor(() => expect(saves).toHaveLength(1), { timeout: 3000 });
    expect(saves[0]?.nodes.find((node) => node.id === 'mlp')?.config).toEqual({
      hidden_layers: [16, 8],
    });
    await waitFor(() =>
      expect(document.querySelector('.save-state')).toHaveTextContent('All changes saved'),
    );
    expect(screen.getByTestId('validation-status')).not.toHaveTextContent('to fix');
  });

  it('connects and disconnects ports from the inspector, as undoable edits', async () => {
    const saves: Graph[] = [];
    mockApi(routesWith(MODELS, saves));
    renderEditor();
    const settings = await selectNode('forest2');
    const inputs = within(settings).getByRole('region', { name: 'Inputs' });
    const train = within(inputs).getByLabelText(/^train/);
    expect(train).toHaveValue('');
    expect(
      within(train)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['— not connected —', 'Sample dataset · table', 'Holdout · train', 'Holdout · test']);
    const option = within(train).getByRole('option', { name: 'Holdout · train' });
    fireEvent.change(train, { target: { value: (option as HTMLOptionElement).value } });
    expect(train).toHaveValue((option as HTMLOptionElement).value);
    await waitFor(() => expect(saves).toHaveLength(1), { timeout: 3000 });
    expect(saves[0]?.edges).toContainEqual({
      source: 'split',
      source_port: 'train',
      target: 'forest2',
      target_port: 'train',
    });

    fireEvent.change(train, { target: { value: '' } });
    expect(train).toHaveValue('');
    act(() => {
      fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    });
    expect(train).toHaveValue((option as HTMLOptionElement).value);
  });

  it('tells blocks with the same title apart in the problems', async () => {
    mockApi({
      ...routesWith(MODELS),
      [`POST ${BASE}/pipelines/7/validate/`]: {
        body: {
          valid: false,
          errors: [
            { node: 'forest', port: 'train', message: 'Required input is not connected' },
            { node: 'forest2', port: 'train', message: 'Required input is not connected' },
          ],
        },
      },
    });
    renderEditor();
    const problems = await screen.findByRole('region', { name: /Problems/ });
    await within(problems).findAllByText('Required input is not connected');
    expect(
      within(problems)
        .getAllByRole('button', { name: /Required input/ })
        .map((button) => button.querySelector('.problems__node')?.textContent),
    ).toEqual(['Train (scikit-learn) (forest)', 'Train (scikit-learn) (forest2)']);
  });

  it('lets a viewer start no connection', async () => {
    mockApi(routesWith(GRAPH, [], 'viewer'));
    renderEditor();
    const handle = await screen.findByTestId('handle-iris-out-table');
    expect(handle).not.toHaveClass('connectable');
    expect(screen.getByText('Read only')).toBeInTheDocument();
  });

  it('lets an editor connect ports on the canvas', async () => {
    mockApi(routesWith(GRAPH));
    renderEditor();
    expect(await screen.findByTestId('handle-iris-out-table')).toHaveClass('connectable');
  });

  it('says when the pipeline does not exist', async () => {
    mockApi({
      ...baseRoutes(),
      [`GET ${BASE}/pipelines/7/`]: {
        status: 404,
        body: { message: 'Not found.', code: 'not_found' },
      },
    });
    renderEditor();
    expect(await screen.findByRole('heading', { name: 'Pipeline not found' })).toBeInTheDocument();
  });
});
