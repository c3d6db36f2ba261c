import type { KsqlStatement } from './parser';
import type { ScriptGraph } from './validator';

/**
 * The statements that read `name`, directly or through others, in the graph's creation order
 * (every statement after those it depends on).
 */
export function dependentsOf(name: string, graph: ScriptGraph): KsqlStatement[] {
  const affected = new Set([name]);
  const out: KsqlStatement[] = [];
  for (const s of graph.statements) {
    if ((graph.dependencies.get(s.name) ?? []).some((d) => affected.has(d))) {
      affected.add(s.name);
      out.push(s);
    }
  }
  return out;
}
