/** The sinks declared in pipelines/catalog.ts against the project's real ksqlDB scripts. */
import { PIPELINES } from '../../pipelines/catalog';
import { loadPipelineScript } from '../../pipelines/scripts';
import { elasticsearchSinkConnector, resolveSinkTargets, type SinkTarget } from '../../payloads/elasticsearch-sinks';
import { pipelineIndexTemplate } from '../../payloads/index-templates';

const targets: SinkTarget[] = Object.values(PIPELINES).flatMap((p) => resolveSinkTargets(p, loadPipelineScript(p).statements));

describe('catalog sinks', () => {
  it('every declared sink resolves to an object of its pipeline script', () => {
    const declared = Object.values(PIPELINES).flatMap((p) => p.sinks.map((s) => `${p.name}/${s.object}`));
    expect(targets.map((t) => `${t.pipeline}/${t.object}`)).toEqual(declared);
    expect(targets.length).toBeGreaterThan(0);
  });

  it('gives every sink its own index and connector name across all pipelines', () => {
    const indices = targets.map((t) => t.index);
    expect(new Set(indices).size).toBe(indices.length);
    const names = targets.map((t) => elasticsearchSinkConnector(t, { elasticsearchUrl: 'http://elasticsearch:9200' }).name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers each pipeline sink index with exactly one template (no overlaps for Elasticsearch to reject)', () => {
    const covered = Object.values(PIPELINES)
      .filter((p) => p.sinks.length > 0)
      .flatMap((p) => pipelineIndexTemplate(p.name, targets.filter((t) => t.pipeline === p.name)).body.index_patterns as string[]);
    expect([...covered].sort()).toEqual(targets.map((t) => t.index).sort());
  });
});
