/**
 * Grafana stand-in: /api/health as Grafana answers it (the stack's health check), and what file
 * provisioning would have created, read at start from the files the stack writes into the
 * container: the data sources (GET /api/datasources[/uid/{uid}]) and the dashboards of each file
 * provider (GET /api/search, /api/dashboards/uid/{uid}). Authentication as the stack configures
 * Grafana: basic auth of the admin user (GF_SECURITY_ADMIN_*), and anonymous requests as the
 * Viewer role when GF_AUTH_ANONYMOUS_ENABLED is true, else 401. A Viewer may search and open
 * dashboards, not list data sources (403). Like Grafana it reads provisioning configs from .yaml
 * and .yml files and dashboards from .json files; it parses the YAML files as JSON (the stack
 * writes JSON, which is YAML) and reports any other YAML in its state.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { header, json, type StandinHandler, type StandinReply, type StandinRequest } from './http';

type Json = Record<string, unknown>;

export interface ProvisionedDashboard {
  readonly dashboard: Json;
  readonly folder: string;
  /** The file it was read from. */
  readonly file: string;
}

export interface GrafanaSetup {
  readonly adminUser: string;
  /** Undefined: nobody can log in (a stand-in started by hand without the stack's environment). */
  readonly adminPassword?: string;
  readonly anonymousViewing: boolean;
  readonly datasources: readonly Json[];
  readonly dashboards: readonly ProvisionedDashboard[];
  /** Files that could not be read, and why. */
  readonly problems: readonly string[];
}

export const EMPTY_SETUP: GrafanaSetup = { adminUser: 'admin', anonymousViewing: false, datasources: [], dashboards: [], problems: [] };

/** Files of `dir` with one of `extensions`, parsed as JSON (a YAML file must hold JSON, which is YAML). */
function jsonFiles(dir: string, extensions: readonly string[], problems: string[]): Array<{ file: string; value: unknown }> {
  if (!existsSync(dir)) return [];
  const out: Array<{ file: string; value: unknown }> = [];
  for (const name of readdirSync(dir).sort()) {
    if (!extensions.some((e) => name.endsWith(e))) continue;
    const file = join(dir, name);
    try {
      out.push({ file, value: JSON.parse(readFileSync(file, 'utf8')) as unknown });
    } catch (e) {
      problems.push(`${file}: not JSON, which is all the stand-in reads (${(e as Error).message})`);
    }
  }
  return out;
}

/** Grafana reads provisioning configs from these files, dashboards from .json files. */
const CONFIG_FILES = ['.yaml', '.yml'];

const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** The setup as the container holds it: Grafana's environment variables and provisioning files. */
export function readGrafanaSetup(env: NodeJS.ProcessEnv): GrafanaSetup {
  const root = env.GF_PATHS_PROVISIONING || '/etc/grafana/provisioning';
  const problems: string[] = [];
  const datasources = jsonFiles(join(root, 'datasources'), CONFIG_FILES, problems).flatMap((f) => asList((f.value as Json).datasources));
  const dashboards = jsonFiles(join(root, 'dashboards'), CONFIG_FILES, problems).flatMap((f) =>
    asList((f.value as Json).providers).flatMap((provider) => {
      const path = (provider.options as Json | undefined)?.path;
      if (typeof path !== 'string') {
        problems.push(`${f.file}: provider ${String(provider.name)} has no options.path`);
        return [];
      }
      return jsonFiles(path, ['.json'], problems).map((d) => ({ dashboard: d.value as Json, folder: String(provider.folder ?? 'General'), file: d.file }));
    }),
  );
  return {
    adminUser: env.GF_SECURITY_ADMIN_USER || 'admin',
    adminPassword: env.GF_SECURITY_ADMIN_PASSWORD || undefined,
    anonymousViewing: env.GF_AUTH_ANONYMOUS_ENABLED === 'true',
    datasources,
    dashboards,
    problems,
  };
}

type Role = 'Admin' | 'Viewer';

function slug(title: unknown): string {
  return String(title ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export class GrafanaStandin implements StandinHandler {
  readonly service = 'grafana';

  constructor(
    private readonly version = '13.2.3',
    private readonly setup: GrafanaSetup = EMPTY_SETUP,
  ) {}

  /** The caller's role, or Grafana's 401 answer. */
  private authenticate(req: StandinRequest): Role | StandinReply {
    const authorization = header(req.headers, 'authorization');
    if (!authorization) return this.setup.anonymousViewing ? 'Viewer' : json(401, { message: 'Unauthorized' });
    const [scheme, encoded] = authorization.split(' ');
    const [user, ...rest] = Buffer.from(encoded ?? '', 'base64').toString('utf8').split(':');
    const ok = scheme === 'Basic' && this.setup.adminPassword !== undefined && user === this.setup.adminUser && rest.join(':') === this.setup.adminPassword;
    return ok ? 'Admin' : json(401, { message: 'Invalid username or password' });
  }

  private datasource(d: Json, i: number): Json {
    return { id: i + 1, orgId: 1, isDefault: false, basicAuth: false, database: '', readOnly: true, jsonData: {}, ...d };
  }

  private searchHit(p: ProvisionedDashboard, i: number): Json {
    const { uid, title, tags } = p.dashboard;
    return { id: i + 1, uid, title, uri: `db/${slug(title)}`, url: `/d/${String(uid)}/${slug(title)}`, slug: '', type: 'dash-db', tags: tags ?? [], isStarred: false, folderTitle: p.folder };
  }

  handle(req: StandinRequest): StandinReply {
    if (req.method === 'GET' && req.path === '/api/health') return json(200, { commit: 'standin', database: 'ok', version: this.version });
    const role = this.authenticate(req);
    if (typeof role !== 'string') return role;
    if (req.method !== 'GET') return json(405, { message: `the Grafana stand-in is read-only: ${req.method} ${req.path} is not supported` });

    if (req.path === '/api/search') {
      const query = (req.query.get('query') ?? '').toLowerCase();
      return json(
        200,
        this.setup.dashboards.map((p, i) => this.searchHit(p, i)).filter((h) => String(h.title).toLowerCase().includes(query)),
      );
    }
    const dashboard = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(req.path);
    if (dashboard) {
      const i = this.setup.dashboards.findIndex((p) => p.dashboard.uid === dashboard[1]);
      if (i < 0) return json(404, { message: 'Dashboard not found' });
      const p = this.setup.dashboards[i];
      const hit = this.searchHit(p, i);
      return json(200, {
        dashboard: { ...p.dashboard, id: i + 1 },
        meta: { type: 'db', slug: slug(p.dashboard.title), url: hit.url, folderTitle: p.folder, provisioned: true, provisionedExternalId: p.file, canEdit: role === 'Admin', canSave: false },
      });
    }
    if (req.path === '/api/datasources' || req.path.startsWith('/api/datasources/uid/')) {
      if (role !== 'Admin') return json(403, { message: "You'll need additional permissions to perform this action. Permissions needed: datasources:read" });
      const all = this.setup.datasources.map((d, i) => this.datasource(d, i));
      if (req.path === '/api/datasources') return json(200, all);
      const found = all.find((d) => d.uid === req.path.slice('/api/datasources/uid/'.length));
      return found ? json(200, found) : json(404, { message: 'Data source not found' });
    }
    return json(404, { message: `the Grafana stand-in has no route GET ${req.path}; it answers /api/health, /api/search, /api/dashboards/uid/{uid}, /api/datasources[/uid/{uid}]` });
  }

  state(): unknown {
    return {
      anonymousViewing: this.setup.anonymousViewing,
      dashboards: this.setup.dashboards.map((p) => p.dashboard.uid),
      datasources: this.setup.datasources.map((d) => d.uid),
      problems: this.setup.problems,
    };
  }
}
