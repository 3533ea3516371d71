import { useId } from 'react';
import { useSearchParams } from 'react-router-dom';

import type { ModelVersion } from '../../api/models';
import { DriftPanel } from './DriftPanel';
import './monitoring.css';
import { MonitoringPanel } from './MonitoringPanel';
import { chosenVersion } from './versionChoice';

/** The serving health of one version (chosen with ?version=, else the one predict uses). */
export function MonitoringSection({
  slug,
  name,
  versions,
}: {
  slug: string;
  name: string;
  versions: ModelVersion[];
}) {
  const id = useId();
  const [searchParams, setSearchParams] = useSearchParams();
  const chosen = chosenVersion(versions, searchParams.get('version'));
  if (!chosen) {
    return null;
  }

  function choose(version: string) {
    setSearchParams(
      (params) => {
        params.set('version', version);
        return params;
      },
      { replace: true, preventScrollReset: true },
    );
  }

  return (
    <div className="monitoring-section">
      <div className="monitoring-bar">
        <label htmlFor={`${id}-version`}>Monitoring of</label>
        <select
          id={`${id}-version`}
          value={chosen.version}
          onChange={(event) => choose(event.target.value)}
          aria-describedby={`${id}-hint`}
        >
          {versions.map((version) => (
            <option key={version.version} value={version.version}>
              v{version.version}
              {version.stage !== 'none' ? ` (${version.stage})` : ''}
            </option>
          ))}
        </select>
        <span id={`${id}-hint`} className="muted small">
          Requests are counted for the version that answered them.
        </span>
      </div>
      <div className="monitoring-panels">
        <MonitoringPanel
          key={`requests-${chosen.version}`}
          slug={slug}
          name={name}
          version={chosen.version}
          signature={chosen.signature}
        />
        <DriftPanel
          key={`drift-${chosen.version}`}
          slug={slug}
          name={name}
          version={chosen.version}
          signature={chosen.signature}
        />
      </div>
    </div>
  );
}
