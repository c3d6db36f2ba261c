import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { reachableHost } from '../../platform/service';
import { PROJECT_ROOT } from '../../lib/project-root';
import { urlOutputName } from '../../stacks/analytics-stack';
import { budgetProblems, memoryBudget } from '../../stacks/memory-budget';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, stableForSnapshot, synthStack, type Json } from '../support/synth';
import { stackDiff } from '../support/tf-diff';

interface ContainerJson {
  name: string;
  hostname: string;
  image: string;
  env?: string[];
  command?: string[];
  memory?: number;
  memory_swap?: number;
  restart?: string;
  wait?: boolean;
  healthcheck?: { test: string[]; start_period?: string };
  ports?: Array<{ internal: number; external: number; ip: string }>;
  depends_on?: string[];
  destroy_grace_seconds?: number;
  stop_timeout?: number;
}

const synthesized = Object.entries(SNAPSHOT_CONFIGS).map(([name, overrides]) => {
  const config = configWith(overrides);
  const tf = synthStack(config);
  return { name, tf, config, containers: resourcesOf(tf, 'docker_container') as unknown as Record<string, ContainerJson> };
});

describe.each(synthesized)('Terraform templates in $name', ({ tf }) => {
  it('holds no "${" that is not a Terraform reference (a shell script\'s ${x:0:4} must be written $${)', () => {
    const text = JSON.stringify(tf);
    const templates = [...text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]);
    expect(templates.length).toBeGreaterThan(0);
    // A reference, or Terraform functions applied to one (the CA file's absolute path).
    expect(templates.filter((t) => !/^([a-z]+\()*[a-z_][\w-]*(\.[\w-]+)+\)*$/.test(t))).toEqual([]);
  });
});

const defaultStack = synthesized.find((s) => s.name === 'default')!;

describe('stack snapshot: default', () => {
  it('matches the reviewed infrastructure', () => {
    expect(stableForSnapshot(defaultStack.tf)).toMatchSnapshot();
  });
});

// The other configurations snapshot only what they add, remove and change against the default, so
// a change to what they share shows once, in the default's snapshot.
describe.each(synthesized.filter((s) => s !== defaultStack))('stack snapshot: $name', ({ tf }) => {
  it('differs from the default stack as reviewed', () => {
    expect(stackDiff(stableForSnapshot(defaultStack.tf), stableForSnapshot(tf))).toMatchSnapshot();
  });
});

describe.each(synthesized)('synthesized stack: $name', ({ tf }) => {
  it('holds no absolute path and no timestamp', () => {
    const text = JSON.stringify(tf);
    // Host paths would differ per machine; container paths (/var/lib/...) are the same everywhere.
    expect(text).not.toContain(PROJECT_ROOT);
    expect(text).not.toContain(homedir());
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});

/** Where a container is referenced from another's configuration: its host name on the lab network. */
function mentions(container: ContainerJson, hostname: string): boolean {
  const text = [...(container.env ?? []), ...(container.command ?? [])].join('\n');
  return new RegExp(`(^|[/@=,\\s])${hostname}(:|$|[/\\s,])`, 'm').test(text);
}

describe.each(synthesized)('every container of $name', ({ tf, config, containers }) => {
  const images = resourcesOf(tf, 'docker_image') as Record<string, { name: string; build?: unknown; keep_locally: boolean; depends_on?: string[] }>;
  const builds = resourcesOf(tf, 'terraform_data') as Record<string, { triggers_replace: { image: string }; provisioner: Array<{ 'local-exec': { command: string } }> }>;
  const entries = Object.entries(containers);

  it('has containers', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  it.each(entries)('%s has a health check Terraform waits on, a restart policy and a memory limit without swap', (_, c) => {
    expect(c.healthcheck?.test.length).toBeGreaterThan(1);
    expect(c.healthcheck?.start_period).toMatch(/^(\d+h)?(\d+m)?\d+s$/);
    expect(c.wait).toBe(true);
    expect(c.restart).toBe('unless-stopped');
    expect(c.memory).toBeGreaterThanOrEqual(64);
    expect(c.memory_swap).toBe(c.memory);
  });

  it.each(entries)('%s gets time to stop cleanly before it is killed (destroy, replacement, docker stop)', (_, c) => {
    // The provider kills at once (timeout 0) without destroy_grace_seconds.
    expect(c.destroy_grace_seconds).toBeGreaterThanOrEqual(10);
    expect(c.stop_timeout).toBe(c.destroy_grace_seconds);
    // Brokers, databases, search and stream processors flush logs and state stores on the way down.
    if (/^(kafka-\d|mariadb|elasticsearch|ksqldb|connect|pinot)$/.test(c.hostname)) expect(c.destroy_grace_seconds).toBeGreaterThanOrEqual(30);
  });

  it.each(entries)('%s publishes ports on the configured address only (127.0.0.1 by default)', (_, c) => {
    for (const port of c.ports ?? []) expect(port.ip).toBe(config.bindAddress);
  });

  it('each broker advertises to clients outside Docker the address its port is published on', () => {
    const brokers = entries.filter(([, c]) => /^kafka-\d$/.test(c.hostname)).map(([, c]) => c);
    expect(brokers).toHaveLength(config.kafka.mode === 'local' ? config.kafka.brokers : 0);
    for (const c of brokers) {
      const advertised = (c.env ?? []).find((e) => e.startsWith('KAFKA_ADVERTISED_LISTENERS='))!;
      const host = /HOST:\/\/([^:,]+):(\d+)/.exec(advertised)!;
      expect(host[1]).toBe(config.bindAddress);
      expect(c.ports?.map((p) => p.external)).toEqual([Number(host[2])]);
    }
  });

  it.each(entries)('%s runs a pinned image or one the docker CLI builds from this project', (_, c) => {
    const match = /^\$\{docker_image\.([\w-]+)\.image_id\}$/.exec(c.image);
    expect(match).not.toBeNull();
    const image = images[match![1]];
    // The provider's own build block fails on the containerd image store: nothing may use it.
    expect(image.build).toBeUndefined();
    if (image.name.startsWith('lab/')) {
      // Built by a terraform_data step whose docker build produces exactly this tag, before the provider looks it up.
      expect(image.name).toMatch(/^lab\/[\w-]+:src-[0-9a-f]{16}$/);
      const step = /^terraform_data\.(build_[\w-]+)$/.exec((image.depends_on ?? [])[0] ?? '');
      expect(step).not.toBeNull();
      const build = builds[step![1]];
      expect(build.provisioner[0]['local-exec'].command).toContain(`docker build --tag '${image.name}'`);
      expect(build.triggers_replace.image).toBe(image.name);
      expect(image.keep_locally).toBe(false);
    } else {
      expect(image.name).toMatch(/:[\w][\w.-]*$/);
      expect(image.name).not.toMatch(/:latest$/i);
      // Pulled images stay on destroy unless removePulledImages says otherwise.
      expect(image.keep_locally).toBe(true);
    }
  });

  it.each(entries)('%s depends on every container it talks to', (_, c) => {
    for (const [otherId, other] of entries) {
      // Peers that name each other (the KRaft quorum's voters) start together: neither can wait for the other.
      if (other === c || !mentions(c, other.hostname) || mentions(other, c.hostname)) continue;
      expect(c.depends_on ?? []).toContain(`docker_container.${otherId}`);
    }
  });
});

describe('the dependency check', () => {
  it('sees a host name in an env value', () => {
    const c: ContainerJson = { name: 'x', hostname: 'x', image: '', env: ['KSQL_BOOTSTRAP_SERVERS=kafka-1:19092,kafka-2:19092'] };
    expect(mentions(c, 'kafka-2')).toBe(true);
    expect(mentions(c, 'kafka')).toBe(false);
  });
});

describe('services that only some pipelines need', () => {
  const hostnames = (tf: Json): string[] =>
    Object.values(resourcesOf(tf, 'docker_container') as unknown as Record<string, ContainerJson>).map((c) => c.hostname);

  it('runs MariaDB and Kibana only with moodle, Pinot only with shop', () => {
    const ratingsOnly = hostnames(synthStack(configWith({ pipelines: ['ratings'] })));
    expect(ratingsOnly).not.toEqual(expect.arrayContaining(['mariadb']));
    expect(ratingsOnly).not.toContain('kibana');
    expect(ratingsOnly).not.toContain('pinot');
    const moodle = hostnames(synthStack(configWith({ pipelines: ['moodle'] })));
    expect(moodle).toEqual(expect.arrayContaining(['mariadb', 'kibana']));
    expect(moodle).not.toContain('pinot');
    const shop = hostnames(synthStack(configWith({ pipelines: ['shop'] })));
    expect(shop).toContain('pinot');
    expect(shop).not.toContain('mariadb');
  });

  // Without ksql.schema.registry.url the real ksqlDB refuses the payments statements: "Cannot create
  // topic 'payment_json' with format JSON_SR without configuring 'ksql.schema.registry.url'".
  it('gives ksqlDB the Schema Registry URL in every configuration with payments on', () => {
    const withPayments = synthesized.filter((s) => s.config.pipelines.includes('payments'));
    expect(withPayments.length).toBeGreaterThan(0);
    for (const { name, containers } of withPayments) {
      const all = Object.values(containers);
      const registry = all.find((c) => c.hostname === 'schema-registry')!;
      const port = registry.env?.find((e) => e.startsWith('SCHEMA_REGISTRY_LISTENERS='))?.split(':').pop();
      const ksql = all.find((c) => c.hostname === 'ksqldb')!;
      expect([name, ksql.env?.find((e) => e.startsWith('KSQL_KSQL_SCHEMA_REGISTRY_URL='))]).toEqual([name, `KSQL_KSQL_SCHEMA_REGISTRY_URL=http://schema-registry:${port}`]);
    }
  });

  // Run before the payments API, the real ksqlDB registers its own upper-case schemas under the
  // payment_*-value subjects and the API then gets 409 from the registry and stays unhealthy: every
  // payments statement waits for the API's container (wait = healthy = its schemas registered).
  it('applies every payments statement after the payments API is healthy', () => {
    const withPayments = synthesized.filter((s) => s.config.pipelines.includes('payments'));
    expect(withPayments.length).toBeGreaterThan(0);
    for (const { name, tf, containers } of withPayments) {
      const [apiKey, api] = Object.entries(containers).find(([, c]) => c.hostname === 'payments-api')!;
      expect([name, api.wait]).toEqual([name, true]);
      const statements = Object.values(resourcesOf(tf, 'terraform_data') as Record<string, { input?: { spec?: string }; depends_on?: string[] }>).filter(
        (r) => typeof r.input?.spec === 'string' && (JSON.parse(r.input.spec) as { file?: string }).file === 'ksql/payments.sql',
      );
      expect(statements.length).toBeGreaterThan(0);
      const notWaiting = statements.filter((r) => !(r.depends_on ?? []).includes(`docker_container.${apiKey}`)).map((r) => (JSON.parse(r.input!.spec!) as { name: string }).name);
      expect([name, notWaiting]).toEqual([name, []]);
    }
  });

  it('runs no broker in external mode and points every client at the external cluster', () => {
    const external = synthesized.find((s) => s.name === 'external')!;
    const all = Object.values(external.containers);
    expect(all.map((c) => c.hostname)).not.toContain('kafka-1');
    const ksql = all.find((c) => c.hostname === 'ksqldb')!;
    expect(ksql.env).toContain('KSQL_BOOTSTRAP_SERVERS=pkc-12345.eu-west-1.aws.confluent.cloud:9092');
    expect(ksql.env).toContain('KSQL_SECURITY_PROTOCOL=SASL_SSL');
  });
});

describe('memory budget', () => {
  // The default lab: every pipeline of the catalog unless config/defaults.ts leaves one out (README "Memory").
  it('adds up to at most 8 GiB with the default pipelines on and one broker', () => {
    const budget = memoryBudget(defaultStack.config, synthStack);
    expect(budget.totalMb).toBe(Object.values(defaultStack.containers).reduce((sum, c) => sum + (c.memory ?? 0), 0));
    expect(budgetProblems(budget)).toEqual([]);
  });

  it('gives Kibana the 1 GiB Elastic sizes Kibana 8 with (less crash-loops while it optimizes its bundles)', () => {
    const kibana = Object.values(synthesized.find((s) => s.name === 'default')!.containers).find((c) => c.hostname === 'kibana')!;
    expect(kibana.memory).toBeGreaterThanOrEqual(1024);
    expect(kibana.env).toContain(`NODE_OPTIONS=--max-old-space-size=${Math.floor(kibana.memory! * 0.6)}`);
  });
});

describe('secrets', () => {
  it('writes no generated password into the synthesized JSON, only references to random_password', () => {
    const tf = synthesized.find((s) => s.name === 'default')!.tf;
    const grafana = Object.values(resourcesOf(tf, 'docker_container') as unknown as Record<string, ContainerJson>).find((c) => c.hostname === 'grafana')!;
    expect(grafana.env).toContain('GF_SECURITY_ADMIN_PASSWORD=${random_password.grafana-admin-password.result}');
    const outputs = tf.output as Record<string, { value: string; sensitive?: boolean }>;
    expect(outputs.grafana_admin_password).toEqual({ value: '${random_password.grafana-admin-password.result}', sensitive: true });
  });

  it('takes external SASL credentials from sensitive variables', () => {
    const tf = synthesized.find((s) => s.name === 'external')!.tf;
    const variables = tf.variable as Record<string, { sensitive?: boolean }>;
    expect(variables.kafka_sasl_password.sensitive).toBe(true);
    expect(variables.kafka_sasl_username.sensitive).toBe(true);
    expect(JSON.stringify(tf)).toContain('password=\\"${var.kafka_sasl_password}\\"');
  });
});

describe('outputs', () => {
  it.each(synthesized)('$name: give the URL of every published HTTP port, at the address the host reaches it', ({ tf, config, containers }) => {
    const outputs = tf.output as Record<string, { value: string }>;
    const urls = Object.entries(outputs).filter(([name]) => name.endsWith('_url'));
    // Every published port but the brokers' (kafka_bootstrap_servers) and MariaDB's (not HTTP); behind the proxy over HTTPS.
    const scheme = config.access === 'authenticated' ? 'https' : 'http';
    const published = Object.values(containers)
      .filter((c) => !/^kafka-\d$|^mariadb$/.test(c.hostname))
      .flatMap((c) => (c.ports ?? []).map((p) => `${scheme}://${reachableHost(config.bindAddress)}:${p.external}`));
    expect(urls.map(([, o]) => o.value).sort()).toEqual(published.sort());
    expect(outputs[urlOutputName('grafana')].value).toBe(`${scheme}://${reachableHost(config.bindAddress)}:${config.ports.grafana}`);
  });

  it('name each URL after its port setting', () => {
    expect(urlOutputName('kafkaUi')).toBe('kafka_ui_url');
    expect(urlOutputName('pinotController')).toBe('pinot_controller_url');
    expect(urlOutputName('ksqldb')).toBe('ksqldb_url');
  });
});

describe('three brokers', () => {
  it('forms one KRaft quorum with replication 3 and min ISR 2', () => {
    const { containers } = synthesized.find((s) => s.name === 'three brokers')!;
    const brokers = Object.values(containers).filter((c) => /^kafka-\d$/.test(c.hostname));
    expect(brokers.map((b) => b.hostname).sort()).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    for (const b of brokers) {
      expect(b.env).toContain('KAFKA_CONTROLLER_QUORUM_VOTERS=1@kafka-1:29093,2@kafka-2:29093,3@kafka-3:29093');
      expect(b.env).toContain('KAFKA_DEFAULT_REPLICATION_FACTOR=3');
      expect(b.env).toContain('KAFKA_MIN_INSYNC_REPLICAS=2');
    }
    expect(brokers.flatMap((b) => b.ports ?? []).map((p) => p.external).sort()).toEqual([9092, 9093, 9094]);
  });
});

describe('the README memory table', () => {
  it('states the limits the default stack declares', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const section = readme.split('## Memory')[1].split('\n## ')[0];
    const rows = new Map([...section.matchAll(/^\| \*{0,2}([\w-]+)[^|]*\| \*{0,2}(\d+)\*{0,2} \|/gm)].map((m) => [m[1], Number(m[2])]));
    const containers = Object.values(synthesized.find((s) => s.name === 'default')!.containers);
    for (const c of containers) expect([c.hostname, rows.get(c.hostname)]).toEqual([c.hostname, c.memory]);
    const total = containers.reduce((sum, c) => sum + (c.memory ?? 0), 0);
    expect(rows.get('total')).toBe(total);
    expect(section).toContain(`add up to **${total} MiB**`);
  });
});
