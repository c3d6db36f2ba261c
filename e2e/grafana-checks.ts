/**
 * The rehearsal's Grafana checks: every provisioned dashboard and data source is served after the
 * deploy (asked as the admin, with the generated password), anonymous viewing works when it is
 * configured and is refused when it is not, and after destroy nothing answers any more. Judging
 * is a pure function of what was seen, unit-tested; probing is the async part.
 */
import type { ExpectedGrafana } from './expectations';
import { brief, http, type HttpAnswer } from './probes';
import type { CheckResult } from './summary';

export interface GrafanaAccess {
  /** Grafana at its published port. */
  readonly url: string;
  /** The generated admin password (`terraform output -raw grafana_admin_password`); undefined when it could not be read. */
  readonly adminPassword?: string;
}

/** What Grafana answered, per request. */
export interface GrafanaObservation {
  readonly adminSearch: HttpAnswer;
  readonly anonymousSearch: HttpAnswer;
  readonly datasources: HttpAnswer;
  /** GET /api/dashboards/uid/{uid} as the admin, per expected uid. */
  readonly dashboards: ReadonlyMap<string, HttpAnswer>;
}

const PLATFORM = 'platform';

function result(pipeline: string, check: string, ok: boolean, detail: string): CheckResult {
  return { pipeline, check, verdict: ok ? 'pass' : 'fail', detail };
}

const uidsOf = (answer: HttpAnswer): string[] =>
  answer.status === 200 && Array.isArray(answer.body) ? (answer.body as Array<{ uid?: unknown }>).map((x) => String(x.uid)) : [];

/** The verdicts for one observation of Grafana. */
export function judgeGrafana(expected: ExpectedGrafana, seen: GrafanaObservation): CheckResult[] {
  const results: CheckResult[] = [];
  const listed = uidsOf(seen.adminSearch);
  for (const d of expected.dashboards) {
    const answer = seen.dashboards.get(d.uid);
    const served = answer?.status === 200 && (answer.body as { dashboard?: { uid?: unknown; title?: unknown } } | undefined)?.dashboard?.uid === d.uid;
    const ok = served && listed.includes(d.uid);
    const detail = !answer ? 'not asked' : !served ? brief(answer) : ok ? `/d/${d.uid} "${d.title}"` : `served, but missing from /api/search: ${brief(seen.adminSearch)}`;
    results.push(result(d.pipeline ?? PLATFORM, `Grafana serves dashboard ${d.uid}`, ok, detail));
  }
  const sources = uidsOf(seen.datasources);
  const missing = expected.datasources.filter((uid) => !sources.includes(uid));
  results.push(
    result(
      PLATFORM,
      `Grafana has the ${expected.datasources.length} provisioned data sources`,
      seen.datasources.status === 200 && missing.length === 0,
      seen.datasources.status !== 200 ? brief(seen.datasources) : missing.length ? `missing: ${missing.join(', ')}` : `${sources.length} data sources`,
    ),
  );
  if (expected.anonymousViewing) {
    const home = expected.dashboards.find((d) => !d.pipeline);
    const ok = seen.anonymousSearch.status === 200 && (!home || uidsOf(seen.anonymousSearch).includes(home.uid));
    results.push(result(PLATFORM, 'Grafana shows the dashboards to anonymous viewers', ok, ok ? `${uidsOf(seen.anonymousSearch).length} dashboards without login` : brief(seen.anonymousSearch)));
  } else {
    const ok = seen.anonymousSearch.status === 401;
    results.push(result(PLATFORM, 'Grafana refuses anonymous viewers (anonymous viewing is off)', ok, brief(seen.anonymousSearch)));
  }
  return results;
}

function basicAuth(password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
}

/** One round of Grafana checks. */
export async function grafanaChecks(expected: ExpectedGrafana, access: GrafanaAccess): Promise<CheckResult[]> {
  if (access.adminPassword === undefined) {
    return [result(PLATFORM, 'Grafana admin password readable', false, 'terraform output -raw grafana_admin_password gave nothing: the dashboards cannot be checked as the admin')];
  }
  const auth = basicAuth(access.adminPassword);
  const dashboards = new Map<string, HttpAnswer>();
  for (const d of expected.dashboards) dashboards.set(d.uid, await http('GET', `${access.url}/api/dashboards/uid/${encodeURIComponent(d.uid)}`, undefined, undefined, auth));
  return judgeGrafana(expected, {
    adminSearch: await http('GET', `${access.url}/api/search?type=dash-db&limit=5000`, undefined, undefined, auth),
    anonymousSearch: await http('GET', `${access.url}/api/search?type=dash-db&limit=5000`),
    datasources: await http('GET', `${access.url}/api/datasources`, undefined, undefined, auth),
    dashboards,
  });
}

/** After destroy: undefined when Grafana's port no longer answers, else what still answers there. */
export async function grafanaLeftover(url: string): Promise<string | undefined> {
  const answer = await http('GET', `${url}/api/search`);
  return answer.status === 0 ? undefined : `Grafana still answers at ${url} after destroy (${brief(answer)})`;
}
