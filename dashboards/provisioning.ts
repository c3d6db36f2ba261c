/**
 * Grafana's file provisioning for the enabled pipelines, as files the stack writes into the
 * container: one Elasticsearch data source per sink index (uid from the index name), a dashboard
 * provider reading DASHBOARDS_DIR, each pipeline's dashboard and the home dashboard. No secret:
 * Elasticsearch runs without authentication on the lab network.
 */
import type { Dashboard } from '@grafana/schema';
import type { KsqlStatement } from '../ksql-language/parser';
import type { PipelineDecl } from '../pipelines/types';
import { dashboardProblems, DashboardDeclarationError, HOME_UID, pipelineDashboard } from './dashboard';
import { ELASTICSEARCH_TYPE } from './elasticsearch-query';
import { homeDashboard } from './home';
import type { QueryableSource } from './panels';
import { sinkSources, type SinkSource } from './sink-sources';

export const PROVISIONING_DIR = '/etc/grafana/provisioning';
/** Outside /var/lib/grafana, the data volume: the image's files, replaced with the container. */
export const DASHBOARDS_DIR = '/etc/grafana/dashboards';
export const HOME_DASHBOARD_PATH = `${DASHBOARDS_DIR}/${HOME_UID}.json`;
/**
 * Grafana reads provisioning configs only from .yaml/.yml files; JSON is YAML, so they hold JSON,
 * which the stand-in and the tests read without a YAML parser. Dashboards are .json files.
 */
export const DATASOURCES_FILE = `${PROVISIONING_DIR}/datasources/lab.yaml`;
export const DASHBOARD_PROVIDER_FILE = `${PROVISIONING_DIR}/dashboards/lab.yaml`;
export const DASHBOARD_FOLDER = 'Streaming analytics lab';

/** A data source as Grafana's provisioning file lists it. */
export interface ProvisionedDatasource {
  readonly name: string;
  readonly type: typeof ELASTICSEARCH_TYPE;
  readonly uid: string;
  /** Grafana's server queries Elasticsearch, on the lab network. */
  readonly access: 'proxy';
  readonly url: string;
  readonly editable: false;
  readonly jsonData: { readonly index: string; readonly timeField: string };
}

export interface ProvisioningFile {
  readonly path: string;
  readonly content: string;
}

export interface GrafanaProvisioning {
  readonly datasources: readonly ProvisionedDatasource[];
  /** Every dashboard, the home dashboard first. */
  readonly dashboards: readonly Dashboard[];
  readonly files: readonly ProvisioningFile[];
}

export function provisionedDatasource(source: QueryableSource, elasticsearchUrl: string): ProvisionedDatasource {
  return {
    name: `Elasticsearch ${source.index}`,
    type: ELASTICSEARCH_TYPE,
    uid: source.datasourceUid,
    access: 'proxy',
    url: elasticsearchUrl,
    editable: false,
    jsonData: { index: source.index, timeField: source.timeField },
  };
}

const isQueryable = (s: SinkSource): s is QueryableSource => s.timeField !== undefined;

function file(path: string, value: unknown): ProvisioningFile {
  return { path, content: `${JSON.stringify(value, null, 2)}\n` };
}

/**
 * Data sources, dashboards and their files for the enabled pipelines; throws
 * DashboardDeclarationError with every problem of every dashboard.
 * @param byName the statements of the validated script graph
 * @param elasticsearchUrl Elasticsearch as Grafana reaches it on the lab network
 */
export function grafanaProvisioning(pipelines: readonly PipelineDecl[], byName: ReadonlyMap<string, KsqlStatement>, elasticsearchUrl: string): GrafanaProvisioning {
  const sources = new Map(sinkSources(pipelines, byName).map((s) => [s.object, s]));
  const decls = pipelines.map((p) => p.dashboard);
  const problems = decls.flatMap((d) => dashboardProblems(d, sources));
  if (problems.length) throw new DashboardDeclarationError(problems);

  const datasources = [...sources.values()].filter(isQueryable).map((s) => provisionedDatasource(s, elasticsearchUrl));
  const arrival = new Map(decls.map((d) => [d.pipeline, sources.get(d.arrival) as QueryableSource]));
  const dashboards = [homeDashboard(decls, arrival), ...decls.map((d) => pipelineDashboard(d, sources))];
  const provider = {
    apiVersion: 1,
    providers: [
      {
        name: 'streaming-analytics-lab',
        orgId: 1,
        folder: DASHBOARD_FOLDER,
        type: 'file',
        // The files are the source of truth: changes belong in dashboards/, not in the UI.
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
  return {
    datasources,
    dashboards,
    files: [
      file(DATASOURCES_FILE, { apiVersion: 1, datasources }),
      file(DASHBOARD_PROVIDER_FILE, provider),
      ...dashboards.map((d) => file(`${DASHBOARDS_DIR}/${d.uid}.json`, d)),
    ],
  };
}
