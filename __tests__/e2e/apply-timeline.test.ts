/**
 * e2e/apply-timeline.ts: resource spans from Terraform's output, dependencies from the synthesized
 * JSON, and the critical path that decided an apply's total.
 */
import { appliedObjectCount, criticalPath, criticalPathLine, resourceDependencies, resourceSpans, reversed, timelineReport, type TimedLine } from '../../e2e/apply-timeline';

const at = (s: number, line: string): TimedLine => ({ atMs: s * 1000, line });

// A small apply as OpenTofu prints it (-no-color): the network, an image, two containers and a
// statement that needs the second container; the image and the network run at once.
const APPLY: TimedLine[] = [
  at(0, 'docker_network.network: Creating...'),
  at(0, 'docker_image.image-kafka: Creating...'),
  at(2, 'docker_network.network: Creation complete after 2s [id=abc]'),
  at(5, 'docker_image.image-kafka: Creation complete after 5s [id=sha256:1]'),
  at(5, 'docker_container.kafka-1: Creating...'),
  at(15, 'docker_container.kafka-1: Still creating... [10s elapsed]'),
  at(40, 'docker_container.kafka-1: Creation complete after 35s [id=k]'),
  at(41, 'docker_container.ksqldb: Creating...'),
  at(90, 'docker_container.ksqldb: Creation complete after 49s [id=q]'),
  at(96, 'terraform_data.ksql_RATINGS: Creating...'),
  at(96, "terraform_data.ksql_RATINGS: Provisioning with 'local-exec'..."),
  at(97, 'terraform_data.ksql_RATINGS (local-exec): [ksql] created STREAM RATINGS (ksql/ratings.sql:3)'),
  at(98, 'terraform_data.ksql_RATINGS: Creation complete after 2s [id=r]'),
  at(99, 'docker_container.mariadb: Creating...'),
];

const STACK = {
  resource: {
    docker_network: { network: { name: 'lab' } },
    docker_image: { 'image-kafka': { name: 'lab-local/kafka:3.9.1' } },
    docker_container: {
      'kafka-1': { image: '${docker_image.image-kafka.image_id}', networks_advanced: [{ name: '${docker_network.network.name}' }] },
      ksqldb: { image: 'x', depends_on: ['docker_container.kafka-1'], env: ['X=${random_id.id.hex}', 'Y=${var.secret}', 'Z=${data.docker_network.n.id}'] },
      mariadb: { image: 'y', labels: [{ value: '${jsonencode(random_password.mariadb-root.result)}' }] },
    },
    terraform_data: { ksql_RATINGS: { depends_on: ['docker_container.ksqldb'] } },
  },
};

describe('resourceSpans', () => {
  it('pairs each resource\'s start line with its completion line, and leaves out one that never completed', () => {
    expect(resourceSpans(APPLY)).toEqual([
      { address: 'docker_network.network', startMs: 0, endMs: 2000 },
      { address: 'docker_image.image-kafka', startMs: 0, endMs: 5000 },
      { address: 'docker_container.kafka-1', startMs: 5000, endMs: 40000 },
      { address: 'docker_container.ksqldb', startMs: 41000, endMs: 90000 },
      { address: 'terraform_data.ksql_RATINGS', startMs: 96000, endMs: 98000 },
    ]);
  });

  it('reads changes and destroys the same way', () => {
    const lines = [at(0, 'docker_container.x: Modifying... [id=1]'), at(3, 'docker_container.x: Modifications complete after 3s [id=1]'), at(4, 'kafka_topic.t: Destroying... [id=t]'), at(9, 'kafka_topic.t: Destruction complete after 5s')];
    expect(resourceSpans(lines).map((s) => [s.address, s.endMs - s.startMs])).toEqual([
      ['docker_container.x', 3000],
      ['kafka_topic.t', 5000],
    ]);
  });
});

describe('resourceDependencies', () => {
  it('takes depends_on and ${...} references to resources, not to variables or data sources', () => {
    const deps = resourceDependencies(STACK);
    expect([...deps.get('docker_container.kafka-1')!].sort()).toEqual(['docker_image.image-kafka', 'docker_network.network']);
    expect([...deps.get('docker_container.ksqldb')!].sort()).toEqual(['docker_container.kafka-1', 'random_id.id']);
    expect([...deps.get('docker_container.mariadb')!]).toEqual(['random_password.mariadb-root']);
  });

  it('reverses for a destroy: a resource waits for what depends on it', () => {
    const back = reversed(resourceDependencies(STACK));
    expect([...back.get('docker_container.kafka-1')!]).toEqual(['docker_container.ksqldb']);
    expect([...back.get('terraform_data.ksql_RATINGS')!]).toEqual([]);
  });
});

describe('criticalPath', () => {
  it('walks back from the last resource through the dependency of each that finished last', () => {
    const path = criticalPath(resourceSpans(APPLY), resourceDependencies(STACK));
    expect(path.map((s) => [s.span.address, s.after, s.waitedMs])).toEqual([
      ['docker_image.image-kafka', undefined, 0],
      ['docker_container.kafka-1', 'docker_image.image-kafka', 0],
      ['docker_container.ksqldb', 'docker_container.kafka-1', 1000],
      ['terraform_data.ksql_RATINGS', 'docker_container.ksqldb', 6000],
    ]);
  });

  it('looks through a dependency that did not run (already in place) to its own dependencies', () => {
    const spans = resourceSpans(APPLY).filter((s) => s.address !== 'docker_container.ksqldb');
    const path = criticalPath(spans, resourceDependencies(STACK));
    expect(path.map((s) => s.span.address)).toEqual(['docker_image.image-kafka', 'docker_container.kafka-1', 'terraform_data.ksql_RATINGS']);
  });

  it('is empty when nothing ran', () => {
    expect(criticalPath([], resourceDependencies(STACK))).toEqual([]);
  });
});

describe('the report', () => {
  it('gives the total, the chain with its waits, and the slowest resources', () => {
    const spans = resourceSpans(APPLY);
    const report = timelineReport('Apply timeline', spans, resourceDependencies(STACK), 2);
    expect(report.split('\n')).toEqual([
      'Apply timeline: 5 resources, last one done at 98 s; critical path 4 resources, 91 s of it their own work, 7 s waiting:',
      '   start   took  resource',
      '     0 s +  5 s  docker_image.image-kafka',
      '     5 s + 35 s  docker_container.kafka-1',
      '    41 s + 49 s  docker_container.ksqldb  (started 1 s after docker_container.kafka-1)',
      '    96 s +  2 s  terraform_data.ksql_RATINGS  (started 6 s after docker_container.ksqldb)',
      'slowest resources:',
      '    49 s  docker_container.ksqldb',
      '    35 s  docker_container.kafka-1',
    ]);
    expect(criticalPathLine(spans, resourceDependencies(STACK))).toBe(
      'docker_image.image-kafka 5 s -> docker_container.kafka-1 35 s -> docker_container.ksqldb 49 s -> terraform_data.ksql_RATINGS 2 s',
    );
  });

  it('says so when nothing ran', () => {
    expect(timelineReport('Destroy timeline', [], new Map())).toBe('Destroy timeline: no resource was created, changed or destroyed');
  });
});

describe('appliedObjectCount', () => {
  it('counts the terraform_data resources whose provisioner runs an applier CLI, not the image builds', () => {
    const exec = (command: string) => ({ provisioner: [{ 'local-exec': { command } }] });
    const tf = {
      resource: {
        terraform_data: {
          ksql_A: exec('node --require ./scripts/ts-cache.js ops/ksql/cli.ts apply'),
          connect_b: exec('node --require ./scripts/ts-cache.js ops/connect/cli.ts apply'),
          build_app: exec("docker build --tag 'lab/app:1' '.'"),
          plain: {},
        },
        docker_container: { x: exec('ops/ksql/cli.ts') },
      },
    };
    expect(appliedObjectCount(tf)).toBe(2);
    expect(appliedObjectCount({})).toBe(0);
  });
});
