import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { ModelVersion } from '../../api/models';
import { mockApi } from '../../test/mockApi';
import { makeModelVersion } from '../../test/modelVersions';
import { TryItForm } from './TryItForm';

function version(overrides: Partial<ModelVersion> = {}): ModelVersion {
  return makeModelVersion({
    version: 2,
    stage: 'production',
    signature: [
      { name: 'petal length (cm)', dtype: 'float64' },
      { name: 'petal width (cm)', dtype: 'float64' },
    ],
    run: 4,
    ...overrides,
  });
}

function renderForm(versions: ModelVersion[]) {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <TryItForm slug="demo" name="iris" versions={versions} />
    </QueryClientProvider>,
  );
}

describe('TryItForm', () => {
  it('sends the typed row to predict and shows the prediction', async () => {
    document.cookie = 'csrftoken=tok';
    let sent: unknown;
    mockApi({
      'POST /api/v1/workspaces/demo/models/iris/predict/': (init) => {
        sent = JSON.parse(String(init.body));
        return {
          body: { predictions: [2], model_version: 2, probabilities: [{ 0: 0.1, 1: 0.2, 2: 0.7 }] },
        };
      },
    });
    renderForm([version()]);

    fireEvent.change(screen.getByLabelText('petal length (cm)'), { target: { value: '5.2' } });
    fireEvent.change(screen.getByLabelText('petal width (cm)'), { target: { value: '2.3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Predict' }));

    const result = await screen.findByTestId('prediction-result');
    expect(result).toHaveTextContent('Prediction2by version 2');
    expect(result).toHaveTextContent('70.0%');
    expect(sent).toEqual({
      instances: [{ 'petal length (cm)': 5.2, 'petal width (cm)': 2.3 }],
      probabilities: true,
    });
  });

  it('names a field that is not a number, without calling predict', () => {
    mockApi({});
    renderForm([version({ metrics: {} })]);

    fireEvent.change(screen.getByLabelText('petal length (cm)'), { target: { value: 'long' } });
    fireEvent.click(screen.getByRole('button', { name: 'Predict' }));

    expect(screen.getByText('petal length (cm) needs a number')).toBeInTheDocument();
    expect(screen.getByLabelText('petal length (cm)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('prediction-result')).not.toBeInTheDocument();
  });

  it("shows the server's message when predict refuses the row", async () => {
    document.cookie = 'csrftoken=tok';
    mockApi({
      'POST /api/v1/workspaces/demo/models/iris/predict/': {
        status: 400,
        body: {
          message: "row 0: column 'petal width (cm)' is missing",
          code: 'invalid_row',
          row: 0,
          column: 'petal width (cm)',
        },
      },
    });
    renderForm([version({ metrics: {} })]);

    fireEvent.click(screen.getByRole('button', { name: 'Predict' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      "row 0: column 'petal width (cm)' is missing",
    );
    expect(screen.getByLabelText('petal width (cm)')).toHaveAttribute('aria-invalid', 'true');
  });
});
