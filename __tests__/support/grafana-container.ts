/** The Grafana container of a synthesized stack, laid out on disk for a stand-in to read. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DASHBOARDS_DIR, PROVISIONING_DIR } from '../../dashboards/provisioning';
import { readGrafanaSetup, type GrafanaSetup } from '../../standins/grafana';
import { resourcesOf, type Json } from './synth';

export interface GrafanaContainer {
  /** The container's files under this temporary root. */
  readonly root: string;
  /** The container's environment. */
  readonly env: Record<string, string>;
  /** The stand-in's setup from those files and env; the admin password (a Terraform reference here) replaced by `adminPassword`. */
  setup(adminPassword: string, env?: Record<string, string>): GrafanaSetup;
}

export function grafanaContainer(tf: Json): GrafanaContainer {
  const grafana = Object.values(resourcesOf(tf, 'docker_container')).find((c) => c.hostname === 'grafana');
  if (!grafana) throw new Error('the stack has no grafana container');
  const root = mkdtempSync(join(tmpdir(), 'grafana-container-'));
  for (const u of grafana.upload as Array<{ file: string; content: string }>) {
    const path = join(root, u.file);
    mkdirSync(dirname(path), { recursive: true });
    // The provider names the dashboards' path inside the container: point it under the temporary root.
    writeFileSync(path, u.file.startsWith(`${PROVISIONING_DIR}/dashboards/`) ? u.content.replace(`"${DASHBOARDS_DIR}"`, JSON.stringify(join(root, DASHBOARDS_DIR))) : u.content);
  }
  const env = Object.fromEntries((grafana.env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return {
    root,
    env,
    setup: (adminPassword, overrides = {}) =>
      readGrafanaSetup({ ...env, GF_PATHS_PROVISIONING: join(root, PROVISIONING_DIR), GF_SECURITY_ADMIN_PASSWORD: adminPassword, ...overrides }),
  };
}
