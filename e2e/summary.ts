/**
 * The rehearsal's verdicts and its per-pipeline summary table. Pure functions over what the probes
 * observed, so the readiness rules and the table are unit-tested against recorded observations.
 */

export type Verdict = 'pass' | 'fail' | 'n/a';

/** One check of one pipeline (or of the platform: pipeline `platform`). */
export interface CheckResult {
  readonly pipeline: string;
  readonly check: string;
  readonly verdict: Verdict;
  /** What was seen: a count, the object that failed and the service's own message. */
  readonly detail: string;
}

export interface PipelineFigures {
  readonly pipeline: string;
  /** Records the producers wrote during the observation window. */
  readonly messagesIn: number;
  /** Records the pipeline's ksqlDB objects wrote (sink topics), when observable. */
  readonly rowsOut: number | undefined;
  readonly documentsIndexed: number | undefined;
  /** Seconds from the deploy's start to the first record in a producer topic. */
  readonly firstDataSeconds: number | undefined;
  /** Grafana panels and Kibana saved searches of the pipeline whose query the engine answered with data. */
  readonly panels: { readonly withData: number; readonly total: number } | undefined;
}

export interface ServiceKind {
  readonly service: string;
  /** `real` software, or a `stand-in` that answers the same API without the real behaviour. */
  readonly kind: 'real' | 'stand-in';
  readonly image: string;
  /** What runs in it: e2e/local-images.ts says it for each local image. */
  readonly runs: string;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
}

/** A plain-text table: header, rule, rows; columns as wide as their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))].join('\n');
}

const show = (n: number | undefined): string => (n === undefined ? '-' : String(n));

export function summaryTable(figures: readonly PipelineFigures[], results: readonly CheckResult[]): string {
  const rows = figures.map((f) => {
    const own = results.filter((r) => r.pipeline === f.pipeline);
    const failed = own.filter((r) => r.verdict === 'fail').length;
    return [
      f.pipeline,
      String(f.messagesIn),
      show(f.rowsOut),
      show(f.documentsIndexed),
      f.panels ? `${f.panels.withData}/${f.panels.total}` : '-',
      f.firstDataSeconds === undefined ? '-' : `${f.firstDataSeconds.toFixed(0)} s`,
      `${own.filter((r) => r.verdict === 'pass').length}/${own.length}`,
      failed ? `FAIL (${failed})` : 'ok',
    ];
  });
  return table(['pipeline', 'messages in', 'rows out', 'documents', 'panels with data', 'first data', 'checks', 'status'], rows);
}

/** The deploy-time figure of issue 19: when the last pipeline got its first record; undefined if one never did. */
export function firstRecordInEveryPipeline(figures: readonly PipelineFigures[]): number | undefined {
  const firsts = figures.map((f) => f.firstDataSeconds);
  if (firsts.length === 0 || firsts.some((s) => s === undefined)) return undefined;
  return Math.max(...(firsts as number[]));
}

export function servicesTable(services: readonly ServiceKind[]): string {
  return table(['service', 'ran', 'image', 'what runs'], services.map((s) => [s.service, s.kind === 'real' ? 'real software' : 'STAND-IN', s.image, s.runs]));
}

/** Every failed check, one line each: pipeline, check, and what was seen. */
export function failureReport(results: readonly CheckResult[]): string[] {
  return results.filter((r) => r.verdict === 'fail').map((r) => `${r.pipeline}: ${r.check}: ${r.detail}`);
}

/** Offsets of a topic's partitions summed: how many records it holds. */
export function totalOffsets(offsets: readonly { readonly high: string; readonly low: string }[]): number {
  return offsets.reduce((sum, p) => sum + (Number(p.high) - Number(p.low)), 0);
}

/** Differences between a topic's declared and observed settings; empty when they match. */
export function topicDifferences(
  expected: { readonly partitions: number; readonly replicationFactor: number; readonly config: Readonly<Record<string, string>> },
  observed: { readonly partitions: number; readonly replicationFactor: number; readonly config: Readonly<Record<string, string | undefined>> },
): string[] {
  const diffs: string[] = [];
  if (observed.partitions !== expected.partitions) diffs.push(`partitions ${observed.partitions}, declared ${expected.partitions}`);
  if (observed.replicationFactor !== expected.replicationFactor) diffs.push(`replication factor ${observed.replicationFactor}, declared ${expected.replicationFactor}`);
  for (const [key, value] of Object.entries(expected.config)) {
    if (observed.config[key] !== value) diffs.push(`${key}=${observed.config[key] ?? '(unset)'}, declared ${value}`);
  }
  return diffs;
}
