/** The provisioning of a synthesized stack, read back from the Grafana container's uploaded files. */
import type { Dashboard, Panel } from '@grafana/schema';
import { DASHBOARD_PROVIDER_FILE, DASHBOARDS_DIR, DATASOURCES_FILE, type ProvisionedDatasource } from '../../dashboards/provisioning';
import { resourcesOf, type Json } from '../support/synth';

export interface ReadProvisioning {
  readonly datasources: ProvisionedDatasource[];
  readonly dashboards: Dashboard[];
  readonly provider: { providers: Array<{ options: { path: string } }> };
}

/** What the stack writes into the Grafana container, parsed. */
export function provisioningOf(tf: Json): ReadProvisioning {
  const grafana = Object.values(resourcesOf(tf, 'docker_container')).find((c) => c.hostname === 'grafana');
  const uploads = (grafana?.upload ?? []) as Array<{ file: string; content: string }>;
  const read = <T>(file: string): T => JSON.parse(uploads.find((u) => u.file === file)?.content ?? 'null') as T;
  return {
    datasources: read<{ datasources: ProvisionedDatasource[] }>(DATASOURCES_FILE).datasources,
    provider: read(DASHBOARD_PROVIDER_FILE),
    dashboards: uploads.filter((u) => u.file.startsWith(`${DASHBOARDS_DIR}/`)).map((u) => JSON.parse(u.content) as Dashboard),
  };
}

/** Panels of a dashboard (the lab's dashboards have no rows). */
export function panelsOf(d: Dashboard): Panel[] {
  return (d.panels ?? []) as Panel[];
}

/** Every data source uid a dashboard names: panels, their queries, variables. */
export function datasourceUids(d: Dashboard): string[] {
  const uid = (ref: unknown): string[] => {
    const value = (ref as { uid?: unknown } | null | undefined)?.uid;
    return typeof value === 'string' ? [value] : [];
  };
  return [
    ...panelsOf(d).flatMap((p) => [...uid(p.datasource), ...(p.targets ?? []).flatMap((t) => uid(t.datasource))]),
    ...(d.templating?.list ?? []).flatMap((v) => uid(v.datasource)),
  ];
}
