/**
 * Where an apply's (or destroy's) time went, from Terraform's own output: when each resource
 * started and finished, the slowest ones, and the critical path, the chain of resources that
 * decided the total (each one waited for the dependency of its that finished last). Terraform
 * prints no clock, so the times are those at which the rehearsal read each line.
 */

/** One line of Terraform's output and when it was read (ms after the command started). */
export interface TimedLine {
  readonly atMs: number;
  readonly line: string;
}

export interface ResourceSpan {
  readonly address: string;
  readonly startMs: number;
  readonly endMs: number;
}

const START = /^(\S+): (?:Creating|Modifying|Destroying)\.\.\.(?: \[id=.*\])?$/;
const END = /^(\S+): (?:Creation|Modifications|Destruction) complete after \S+/;

/** Each resource's span: from its "Creating..." line to its "Creation complete" line (likewise for changes and destroys). */
export function resourceSpans(lines: readonly TimedLine[]): ResourceSpan[] {
  const started = new Map<string, number>();
  const spans: ResourceSpan[] = [];
  for (const { atMs, line } of lines) {
    const start = START.exec(line);
    if (start) {
      started.set(start[1], atMs);
      continue;
    }
    const end = END.exec(line);
    const startMs = end ? started.get(end[1]) : undefined;
    if (end && startMs !== undefined) spans.push({ address: end[1], startMs, endMs: atMs });
  }
  return spans;
}

type Json = Record<string, unknown>;

function referencesIn(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    // Inside each ${...}: a resource type has a provider prefix (docker_, kafka_, terraform_data), so
    // it holds an underscore; `data.x.y`, `var.x` and `local.x` do not match, nor does `a.b` after a dot.
    for (const expression of value.matchAll(/\$\{([^}]*)\}/g)) {
      for (const m of expression[1].matchAll(/(?<![\w.-])([a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/g)) into.add(m[1]);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) referencesIn(v, into);
  }
}

/**
 * Each resource's direct dependencies in a synthesized stack (cdk.tf.json): its depends_on and the
 * resources its arguments refer to (`${type.name.attribute}`). Data sources and variables are left
 * out; they take no time of their own here.
 */
export function resourceDependencies(tf: Json): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  const resources = (tf.resource ?? {}) as Record<string, Record<string, Json>>;
  for (const [type, byName] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(byName)) {
      const refs = new Set<string>();
      referencesIn(body, refs);
      for (const d of (body.depends_on ?? []) as string[]) refs.add(d);
      const address = `${type}.${name}`;
      refs.delete(address);
      deps.set(address, new Set([...refs].filter((r) => !/^(data|var|local)\./.test(r))));
    }
  }
  return deps;
}

/** A destroy runs the graph backwards: a resource goes once everything that depends on it has gone. */
export function reversed(deps: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const address of deps.keys()) out.set(address, new Set());
  for (const [address, ds] of deps) for (const d of ds) (out.get(d) ?? out.set(d, new Set()).get(d)!).add(address);
  return out;
}

export interface CriticalStep {
  readonly span: ResourceSpan;
  /** The dependency it waited for last; undefined at the start of the chain. */
  readonly after?: string;
  /** From that dependency's end (or the command's start) to this resource's start: scheduling and parallelism. */
  readonly waitedMs: number;
}

/**
 * The chain that decided the total: from the resource that finished last, back through the
 * dependency of each that finished last, to one that waited for none. Dependencies that did not
 * run (already in place, or data sources) are looked through to their own.
 */
export function criticalPath(spans: readonly ResourceSpan[], deps: ReadonlyMap<string, ReadonlySet<string>>): CriticalStep[] {
  if (spans.length === 0) return [];
  const byAddress = new Map(spans.map((s) => [s.address, s]));
  const ranDeps = (address: string): ResourceSpan[] => {
    const found: ResourceSpan[] = [];
    const seen = new Set<string>();
    const walk = (a: string): void => {
      for (const d of deps.get(a) ?? []) {
        if (seen.has(d)) continue;
        seen.add(d);
        const span = byAddress.get(d);
        if (span) found.push(span);
        else walk(d);
      }
    };
    walk(address);
    return found;
  };
  const steps: CriticalStep[] = [];
  let current: ResourceSpan | undefined = spans.reduce((a, b) => (b.endMs > a.endMs ? b : a));
  const visited = new Set<string>();
  while (current && !visited.has(current.address)) {
    visited.add(current.address);
    const start: ResourceSpan = current;
    const before = ranDeps(start.address).filter((d) => d.endMs <= start.startMs + 1_000);
    const last = before.length ? before.reduce((a, b) => (b.endMs > a.endMs ? b : a)) : undefined;
    steps.push({ span: start, after: last?.address, waitedMs: Math.max(0, start.startMs - (last?.endMs ?? 0)) });
    current = last;
  }
  return steps.reverse();
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(0)} s`;

/** The report printed after the deploy (and the destroy): the critical path, then the slowest resources. */
export function timelineReport(title: string, spans: readonly ResourceSpan[], deps: ReadonlyMap<string, ReadonlySet<string>>, slowest = 8): string {
  if (spans.length === 0) return `${title}: no resource was created, changed or destroyed`;
  const path = criticalPath(spans, deps);
  const total = Math.max(...spans.map((s) => s.endMs));
  const rows = path.map(
    (s) => `  ${seconds(s.span.startMs).padStart(6)} +${seconds(s.span.endMs - s.span.startMs).padStart(5)}  ${s.span.address}${s.waitedMs >= 1_000 ? `  (started ${seconds(s.waitedMs)} after ${s.after ?? 'the command'})` : ''}`,
  );
  const slow = [...spans]
    .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs))
    .slice(0, slowest)
    .map((s) => `  ${seconds(s.endMs - s.startMs).padStart(6)}  ${s.address}`);
  const onPath = path.reduce((sum, s) => sum + (s.span.endMs - s.span.startMs), 0);
  return [
    `${title}: ${spans.length} resources, last one done at ${seconds(total)}; critical path ${path.length} resources, ${seconds(onPath)} of it their own work, ${seconds(total - onPath)} waiting:`,
    '   start   took  resource',
    ...rows,
    `slowest resources:`,
    ...slow,
  ].join('\n');
}

/** The critical path in one line, for the rehearsal's summary. */
export function criticalPathLine(spans: readonly ResourceSpan[], deps: ReadonlyMap<string, ReadonlySet<string>>): string {
  const path = criticalPath(spans, deps);
  return path.map((s) => `${s.span.address} ${seconds(s.span.endMs - s.span.startMs)}`).join(' -> ');
}

/** The objects an applier CLI creates (terraform_data resources whose provisioner runs ops/<tool>/cli.ts): the "per applied object" divisor. */
export function appliedObjectCount(tf: Json): number {
  const resources = (tf.resource ?? {}) as Record<string, Record<string, { provisioner?: Array<Record<string, { command?: string }>> }>>;
  return Object.values(resources.terraform_data ?? {}).filter((r) => (r.provisioner ?? []).some((p) => /\bops\/[a-z]+\/cli\.ts\b/.test(p['local-exec']?.command ?? ''))).length;
}
