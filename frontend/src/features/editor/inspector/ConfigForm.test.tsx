import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';

import type { JsonSchema, TableSchema } from '../../../graph/types';
import { block } from '../../../test/blocks';
import { ConfigForm, type DatasetChoices } from './ConfigForm';

const READY: DatasetChoices = {
  status: 'ready',
  options: [
    { id: 3, name: 'churn.csv', rows: 1200 },
    { id: 5, name: 'prices.parquet', rows: null },
  ],
  uploadHref: '/w/demo/datasets',
};

const IRIS: TableSchema = {
  columns: [
    { name: 'sepal length (cm)', dtype: 'float64' },
    { name: 'petal width (cm)', dtype: 'float64' },
    { name: 'target', dtype: 'int64' },
  ],
  target: 'target',
};

/** The form with its config held in state, as the editor holds it; `changes` records each call. */
function renderForm(
  schema: JsonSchema,
  initial: Record<string, unknown>,
  options: {
    columns?: TableSchema | null;
    datasets?: DatasetChoices;
    problems?: Record<string, string[]>;
    columnsNote?: string;
    onUnapplied?: (name: string, message: string | null) => void;
  } = {},
) {
  const changes = vi.fn();
  const latest: { config: Record<string, unknown> } = { config: initial };
  function Harness() {
    const [config, setConfig] = useState(initial);
    return (
      <ConfigForm
        schema={schema}
        config={config}
        columns={options.columns ?? null}
        datasets={options.datasets ?? READY}
        problems={options.problems}
        columnsNote={options.columnsNote}
        onUnapplied={options.onUnapplied}
        onChange={(name, value) => {
          changes(name, value);
          setConfig((current) => {
            const next = Object.fromEntries(
              Object.entries({ ...current, [name]: value }).filter(([, v]) => v !== undefined),
            );
            latest.config = next;
            return next;
          });
        }}
      />
    );
  }
  render(
    <MemoryRouter>
      <Harness />
    </MemoryRouter>,
  );
  return { changes, latest };
}

describe('ConfigForm', () => {
  it('renders enums as selects, labelled by their titles', () => {
    const { changes } = renderForm(block('train.sklearn').config_schema, {
      algorithm: 'random_forest',
    });
    const algorithm = screen.getByLabelText('Algorithm');
    expect(algorithm.tagName).toBe('SELECT');
    expect(algorithm).toHaveValue('random_forest');
    expect(
      within(algorithm)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual([
      'logistic_regression',
      'linear_regression',
      'ridge',
      'random_forest',
      'hist_gradient_boosting',
      'svm',
      'knn',
    ]);
    fireEvent.change(algorithm, { target: { value: 'svm' } });
    expect(changes).toHaveBeenLastCalledWith('algorithm', 'svm');
    expect(screen.getByLabelText('Task')).toHaveValue('auto');
  });

  it('renders bounded numbers as number inputs with min and max, the default as placeholder', () => {
    const { changes, latest } = renderForm(block('train.sklearn').config_schema, {
      algorithm: 'hist_gradient_boosting',
    });
    const trees = screen.getByLabelText('N Estimators');
    expect(trees).toHaveAttribute('type', 'number');
    expect(trees).toHaveAttribute('min', '1');
    expect(trees).toHaveAttribute('max', '5000');
    expect(trees).toHaveAttribute('step', '1');
    expect(trees).toHaveAttribute('placeholder', '100');
    expect(trees).toHaveAccessibleDescription(/Range: ≥ 1, ≤ 5000\./);
    fireEvent.focus(trees);
    fireEvent.change(trees, { target: { value: '250' } });
    expect(changes).toHaveBeenLastCalledWith('n_estimators', 250);
    expect(latest.config.n_estimators).toBe(250);
    fireEvent.change(trees, { target: { value: '' } });
    expect(changes).toHaveBeenLastCalledWith('n_estimators', undefined);
    expect(screen.getByLabelText('Learning Rate')).toHaveAccessibleDescription(
      /Range: > 0, ≤ 10\./,
    );
  });

  it('clears an optional number to null', () => {
    const { changes } = renderForm(block('train.sklearn').config_schema, { max_depth: 5 });
    const depth = screen.getByLabelText('Max Depth');
    expect(depth).toHaveValue(5);
    fireEvent.focus(depth);
    fireEvent.change(depth, { target: { value: '' } });
    expect(changes).toHaveBeenLastCalledWith('max_depth', null);
  });

  it('renders booleans as checkboxes', () => {
    const { changes } = renderForm(block('feature.split').config_schema, { stratify: true });
    const stratify = screen.getByLabelText('Stratify');
    expect(stratify).toBeChecked();
    fireEvent.click(stratify);
    expect(changes).toHaveBeenLastCalledWith('stratify', false);
    expect(screen.getByLabelText('Stratify')).not.toBeChecked();
  });

  it('picks a dataset of the workspace, by id', () => {
    const { changes } = renderForm(block('ingest.dataset').config_schema, { target: null });
    const dataset = screen.getByLabelText('Dataset');
    expect(dataset).toBeRequired();
    expect(
      within(dataset)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a dataset…', 'churn.csv · 1,200 rows', 'prices.parquet']);
    expect(dataset).toHaveAccessibleDescription('One of the datasets uploaded to this workspace.');
    fireEvent.change(dataset, { target: { value: '5' } });
    expect(changes).toHaveBeenLastCalledWith('dataset', 5);
  });

  it('says why the columns are not known under a column field', () => {
    renderForm(
      block('ingest.dataset').config_schema,
      {},
      { columnsNote: 'Choose a dataset first.' },
    );
    expect(screen.getByLabelText('Target')).toHaveAccessibleDescription(
      'The label column, if the table has one. Choose a dataset first.',
    );
  });

  it('says so when the workspace has no dataset, and while loading', () => {
    renderForm(
      block('ingest.dataset').config_schema,
      {},
      {
        datasets: { status: 'ready', options: [], uploadHref: '/w/demo/datasets' },
      },
    );
    expect(screen.getByText(/This workspace has no datasets yet/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Upload one' })).toHaveAttribute(
      'href',
      '/w/demo/datasets',
    );
  });

  it('picks a column from the upstream table when it is known', () => {
    const { changes } = renderForm(
      block('train.sklearn').config_schema,
      { target: null },
      { columns: IRIS },
    );
    const target = screen.getByLabelText('Target');
    expect(target.tagName).toBe('SELECT');
    expect(
      within(target)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual([
      '— not set —',
      'sepal length (cm) · float64',
      'petal width (cm) · float64',
      'target · label',
    ]);
    fireEvent.change(target, { target: { value: 'petal width (cm)' } });
    expect(changes).toHaveBeenLastCalledWith('target', 'petal width (cm)');
    fireEvent.change(target, { target: { value: '' } });
    expect(changes).toHaveBeenLastCalledWith('target', null);
  });

  it('takes a typed column name when the upstream table is not known', () => {
    const { changes } = renderForm(block('train.sklearn').config_schema, { target: null });
    const target = screen.getByLabelText('Target');
    expect(target).toHaveAttribute('type', 'text');
    expect(target).toHaveAccessibleDescription(/columns are not known here yet/);
    fireEvent.change(target, { target: { value: 'label' } });
    expect(changes).toHaveBeenLastCalledWith('target', 'label');
    fireEvent.change(target, { target: { value: '' } });
    expect(changes).toHaveBeenLastCalledWith('target', null);
  });

  it('picks several columns with checkboxes, kept in table order', () => {
    const { changes } = renderForm(block('feature.scale').config_schema, {}, { columns: IRIS });
    const group = screen.getByRole('group', { name: 'Columns' });
    fireEvent.click(within(group).getByLabelText(/petal width/));
    expect(changes).toHaveBeenLastCalledWith('columns', ['petal width (cm)']);
    fireEvent.click(within(group).getByLabelText(/sepal length/));
    expect(changes).toHaveBeenLastCalledWith('columns', ['sepal length (cm)', 'petal width (cm)']);
    fireEvent.click(within(group).getByLabelText(/petal width/));
    expect(changes).toHaveBeenLastCalledWith('columns', ['sepal length (cm)']);
  });

  it('takes lists of columns one per line when the table is not known', () => {
    const { changes } = renderForm(block('feature.select_columns').config_schema, {
      columns: ['a'],
    });
    const columns = screen.getByLabelText('Columns');
    expect(columns.tagName).toBe('TEXTAREA');
    expect(columns).toHaveValue('a');
    expect(columns).toBeRequired();
    fireEvent.focus(columns);
    fireEvent.change(columns, { target: { value: 'a\n b \n\nc' } });
    expect(changes).toHaveBeenLastCalledWith('columns', ['a', 'b', 'c']);
  });

  it('takes lists of numbers separated by commas, and shows text that does not parse as not applied', () => {
    const unapplied = vi.fn();
    const { changes } = renderForm(
      block('train.torch_mlp').config_schema,
      { hidden_layers: [64, 64] },
      { onUnapplied: unapplied },
    );
    const layers = screen.getByLabelText('Hidden Layers');
    expect(layers).toHaveValue('64, 64');
    fireEvent.focus(layers);
    fireEvent.change(layers, { target: { value: '32, 16' } });
    expect(changes).toHaveBeenLastCalledWith('hidden_layers', [32, 16]);
    changes.mockClear();
    fireEvent.change(layers, { target: { value: '16, abc' } });
    expect(changes).not.toHaveBeenCalled();
    expect(layers).toHaveAttribute('aria-invalid', 'true');
    expect(layers).toHaveAccessibleDescription(/Not applied: “abc” is not a number/);
    expect(unapplied).toHaveBeenLastCalledWith('hidden_layers', expect.stringMatching(/“abc”/));
    fireEvent.blur(layers);
    expect(layers).toHaveValue('16, abc');
    expect(layers).toHaveAttribute('aria-invalid', 'true');
    fireEvent.focus(layers);
    fireEvent.change(layers, { target: { value: '16, 8' } });
    expect(changes).toHaveBeenLastCalledWith('hidden_layers', [16, 8]);
    expect(layers).not.toHaveAttribute('aria-invalid');
    expect(unapplied).toHaveBeenLastCalledWith('hidden_layers', null);
    fireEvent.blur(layers);
    expect(layers).toHaveValue('16, 8');
  });

  it('no longer reports text that was not applied once the form goes away', () => {
    const json = vi.fn();
    renderForm(
      { properties: { extra: { title: 'Extra', type: 'object' } } },
      {},
      { onUnapplied: json },
    );
    const extra = screen.getByLabelText('Extra');
    fireEvent.focus(extra);
    fireEvent.change(extra, { target: { value: '{"a": ' } });
    expect(json).toHaveBeenLastCalledWith('extra', expect.stringMatching(/not valid JSON/));
    cleanup();
    expect(json).toHaveBeenLastCalledWith('extra', null);
  });

  it('shows a field only while its x-shown-when siblings have a listed value', () => {
    const { changes, latest } = renderForm(block('train.sklearn').config_schema, {
      algorithm: 'random_forest',
      kernel: 'linear',
    });
    expect(screen.getByLabelText('N Estimators')).toBeInTheDocument();
    expect(screen.queryByLabelText('Kernel')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('C')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Seed')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Algorithm'), { target: { value: 'svm' } });
    expect(changes).toHaveBeenLastCalledWith('algorithm', 'svm');
    expect(screen.getByLabelText('Kernel')).toHaveValue('linear');
    expect(screen.getByLabelText('C')).toBeInTheDocument();
    expect(screen.queryByLabelText('N Estimators')).not.toBeInTheDocument();
    expect(latest.config).toEqual({ algorithm: 'svm', kernel: 'linear' });
  });

  it('uses the default of the sibling a field depends on when it is not set', () => {
    renderForm(block('train.sklearn').config_schema, {});
    expect(screen.getByLabelText('Max Depth')).toBeInTheDocument();
    expect(screen.queryByLabelText('Alpha')).not.toBeInTheDocument();
  });

  it('reads numbers and text for a value of either type', () => {
    const { changes } = renderForm(block('feature.impute').config_schema, {});
    const fill = screen.getByLabelText('Fill Value');
    fireEvent.focus(fill);
    fireEvent.change(fill, { target: { value: '0.5' } });
    expect(changes).toHaveBeenLastCalledWith('fill_value', 0.5);
    fireEvent.change(fill, { target: { value: 'missing' } });
    expect(changes).toHaveBeenLastCalledWith('fill_value', 'missing');
  });

  it('marks required text and shows validation messages on the field at fault', () => {
    renderForm(
      block('publish.model').config_schema,
      { name: '' },
      {
        problems: { name: ['String should have at least 1 character'] },
      },
    );
    const name = screen.getByLabelText('Name');
    expect(name).toBeRequired();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAttribute('maxlength', '100');
    expect(name).toHaveAccessibleDescription(/String should have at least 1 character/);
  });

  it('follows $ref to a Literal in $defs', () => {
    const { changes } = renderForm(
      {
        $defs: { Method: { enum: ['standard', 'robust'], type: 'string', title: 'Method' } },
        properties: { method: { $ref: '#/$defs/Method', default: 'standard' } },
      },
      {},
    );
    const method = screen.getByLabelText('Method');
    expect(method).toHaveValue('standard');
    fireEvent.change(method, { target: { value: 'robust' } });
    expect(changes).toHaveBeenLastCalledWith('method', 'robust');
  });

  it('says when a block has no settings', () => {
    renderForm(block('evaluate.classification').config_schema, {});
    expect(screen.getByText('This block has no settings.')).toBeInTheDocument();
  });
});
