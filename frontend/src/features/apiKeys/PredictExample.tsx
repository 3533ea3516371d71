import { useModels, useModelVersions } from '../../api/models';
import { servingVersion } from '../models/versionChoice';
import { CopyButton } from './CopyButton';
import { predictCurl } from './curlExample';

function CurlBlock({ command, label }: { command: string; label: string }) {
  return (
    <div className="curl">
      <pre className="curl__code" tabIndex={0} aria-label={label}>
        <code>{command}</code>
      </pre>
      <CopyButton text={command} label="Copy command" />
    </div>
  );
}

interface ExampleProps {
  slug: string;
  apiKey: string | null;
  label: string;
}

function ModelCurl({ slug, model, apiKey, label }: ExampleProps & { model: string }) {
  const versions = useModelVersions(slug, model);
  const signature = servingVersion(versions.data?.results ?? [])?.signature ?? [];
  const command = predictCurl({
    origin: window.location.origin,
    slug,
    model,
    apiKey,
    signature,
  });
  return <CurlBlock command={command} label={label} />;
}

/**
 * A curl call of predict with a key: for `model`, or for the workspace's first model when the key
 * may call any, with a request row shaped like the serving version's signature.
 */
export function PredictExample({
  slug,
  model,
  apiKey,
  label,
}: ExampleProps & { model: string | null }) {
  const models = useModels(slug);
  const target = model ?? models.data?.results[0]?.name ?? null;
  if (target === null) {
    const command = predictCurl({
      origin: window.location.origin,
      slug,
      model: null,
      apiKey,
      signature: [],
    });
    return <CurlBlock command={command} label={label} />;
  }
  return <ModelCurl key={target} slug={slug} model={target} apiKey={apiKey} label={label} />;
}
