/**
 * The rehearsal's Grafana checks: every provisioned dashboard and data source is served after the
 * deploy (asked as the admin, with the generated password), anonymous viewing works when it is
 * configured and is refused when it is not (always behind the TLS proxy of authenticated access),
 * and after destroy nothing answers any more. Judging is a pure function of what was seen,
 * unit-tested; probing is the async part.
 */
import type { ExpectedGrafana } from './expectations';
import { basicAuthorization, brief, http, OPEN_ACCESS, type HttpAccess, type HttpAnswer } from './probes';
import type { CheckResult } from './summary';

export interface GrafanaAccess {
  /** Grafana at its published port. */
  readonly url: string;
  /** Grafana's admin (the `grafana_admin_user` output: "admin", or the person's login behind the TLS proxy). */
  readonly adminUser: string;
  /** The generated admin password (the `grafana_admin_password` output); undefined when it could not be read. */
  readonly adminPassword?: string;
  /** The CA of the TLS proxy in front of Grafana (authenticated access); absent: plain HTTP. */
  readonly ca?: string;
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

/** One round of Grafana checks. */
export async function grafanaChecks(expected: ExpectedGrafana, access: GrafanaAccess): Promise<CheckResult[]> {
  if (access.adminPassword === undefined) {
    return [result(PLATFORM, 'Grafana admin password readable', false, 'the grafana_admin_password output gave nothing: the dashboards cannot be checked as the admin')];
  }
  // Behind the TLS proxy the admin's login is also the proxy's: the proxy hands it on to Grafana.
  const admin: HttpAccess = { ca: access.ca, authorization: basicAuthorization(access.adminUser, access.adminPassword) };
  const anonymous: HttpAccess = { ca: access.ca };
  const dashboards = new Map<string, HttpAnswer>();
  for (const d of expected.dashboards) dashboards.set(d.uid, await http(admin, 'GET', `${access.url}/api/dashboards/uid/${encodeURIComponent(d.uid)}`));
  return judgeGrafana(expected, {
    adminSearch: await http(admin, 'GET', `${access.url}/api/search?type=dash-db&limit=5000`),
    anonymousSearch: await http(anonymous, 'GET', `${access.url}/api/search?type=dash-db&limit=5000`),
    datasources: await http(admin, 'GET', `${access.url}/api/datasources`),
    dashboards,
  });
}

/**
 * After destroy: undefined when Grafana's port no longer answers, else what still answers there.
 * `url` is plain HTTP in both access modes: a TLS port still open answers it too (nginx's 400), and
 * no credential or CA is needed to see that something is left.
 */
export async function grafanaLeftover(url: string): Promise<string | undefined> {
  const answer = await http(OPEN_ACCESS, 'GET', `${url}/api/search`);
  return answer.status === 0 ? undefined : `Grafana still answers at ${url} after destroy (${brief(answer)})`;
}
