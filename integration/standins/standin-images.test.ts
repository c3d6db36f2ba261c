/**
 * The stand-in image for Elasticsearch, built by scripts/local-images/standins.sh and
 * run as containers on this machine's Docker engine: the health check the stack synthesizes passes
 * inside them (docker exec of the exact command), and the project's real applier CLIs, run the way
 * the stack's provisioners run them, apply and delete a pipeline's objects through the published
 * loopback ports. Needs a running Docker engine and lab-local/debian:bookworm (see
 * scripts/local-images/README.md); it says so when either is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { opsCommand, type RestTool } from '../../constructs/rest-object';
import { STANDIN_HEADER } from '../../standins/http';
import { STANDIN_LABEL, STANDIN_REPLACES_LABEL, standinImages } from '../../standins/images';
import { parseHealthCheck } from '../../__tests__/support/health-check';
import { configWith, resourcesOf, synthStack, type Json } from '../../__tests__/support/synth';
import { waitUntil } from '../support/ports';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
// ksqlDB left the stand-ins: integration/local-images/ksqldb.test.ts runs the real 7.9.9 image.
const SERVICES = ['elasticsearch'] as const;
type Service = (typeof SERVICES)[number];

interface RestObjectInput {
  readonly address: string;
  readonly spec: string;
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The stack's REST objects of one tool, as its provisioners get them. */
function restObjects(tf: Json, tool: RestTool): RestObjectInput[] {
  return Object.entries(resourcesOf(tf, 'terraform_data'))
    .filter(([address]) => address.startsWith(`${tool}_`))
    .map(([address, r]) => ({ address, spec: (r.input as { spec: string }).spec }));
}

/** Runs an ops CLI exactly as the RestObject provisioner does (same command, cwd and variables). */
async function provisioner(tool: RestTool, verb: 'apply' | 'delete', endpoint: string, spec: string): Promise<string> {
  try {
    const { stdout } = await run('sh', ['-c', opsCommand(tool, verb)], {
      cwd: ROOT,
      env: { ...process.env, OBJECT_ENDPOINT: endpoint, OBJECT_SPEC: spec, KSQL_APPLY_POLL_INTERVAL_MS: '200' },
      timeout: 120_000,
    });
    return stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${tool} ${verb} of ${spec.slice(0, 120)} failed: ${err.stderr || err.message}\n${err.stdout ?? ''}`);
  }
}

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('stand-in image (Elasticsearch) under the stack and its applier', () => {
  const containers: Partial<Record<Service, string>> = {};
  const endpoints: Partial<Record<Service, string>> = {};
  let tf: Json;

  beforeAll(async () => {
    try {
      docker('info', '--format', '{{.ServerVersion}}');
    } catch (e) {
      throw new Error(`no Docker engine answers (${(e as Error).message.split('\n')[0]}): start it (scripts/setup-docker.sh or dockerd as root), then run the integration tests again`);
    }
    await run('bash', [resolve(ROOT, 'scripts/local-images/standins.sh'), ...SERVICES], { cwd: ROOT, timeout: 900_000 });
    // One pipeline with an Elasticsearch sink template.
    tf = synthStack(configWith({ pipelines: ['ratings'] }));
    for (const service of SERVICES) {
      const image = standinImages().find((i) => i.service === service)!;
      const port = { elasticsearch: 9200 }[service];
      const name = `lab-standin-it-${service}-${process.pid}`;
      docker('run', '-d', '--name', name, '-p', `127.0.0.1::${port}`, image.image);
      containers[service] = name;
      endpoints[service] = `http://${docker('port', name, String(port)).split('\n')[0]}`;
      // docker-proxy accepts on the published port before the server in the container listens, and
      // closes such a connection ("other side closed"): wait until the server itself answers.
      await waitUntil(async () => (await fetch(`${endpoints[service]}/__standin/state`, { signal: AbortSignal.timeout(2_000) })).ok, {
        what: `the ${service} stand-in container ${name}`,
        timeoutMs: 60_000,
        describe: () => docker('logs', '--tail', '20', name),
      });
    }
  }, 900_000);

  afterAll(() => {
    for (const name of Object.values(containers)) docker('rm', '-f', name);
  });

  it.each(SERVICES)('%s: the image says what it stands in for, and answers as a stand-in', async (service) => {
    const image = standinImages().find((i) => i.service === service)!;
    expect(docker('image', 'inspect', '--format', `{{ index .Config.Labels "${STANDIN_LABEL}" }} {{ index .Config.Labels "${STANDIN_REPLACES_LABEL}" }}`, image.image)).toBe(
      `${service} ${image.replaces}`,
    );
    const res = await fetch(`${endpoints[service]}/__standin/state`);
    expect(res.headers.get(STANDIN_HEADER)).toBe(service);
  });

  it.each(SERVICES)("%s: the stack's synthesized health check passes inside the container", (service) => {
    const test = (resourcesOf(tf, 'docker_container')[service].healthcheck as { test: string[] }).test;
    expect(test[0]).toBe('CMD-SHELL');
    parseHealthCheck(test); // a curl or wget of one URL, as the image must provide
    // Docker runs CMD-SHELL as /bin/sh -c; a non-zero exit throws with the command's output.
    expect(() => docker('exec', containers[service]!, '/bin/sh', '-c', test[1])).not.toThrow();
  });

  it('Elasticsearch: the elasticsearch CLI puts and deletes the pipeline index template', async () => {
    const [template] = restObjects(tf, 'elasticsearch');
    expect(template).toBeDefined();
    const spec = JSON.parse(template.spec) as { name: string; body: unknown };
    const endpoint = endpoints.elasticsearch!;
    await provisioner('elasticsearch', 'apply', endpoint, template.spec);
    const got = await getJson(`${endpoint}/_index_template/${spec.name}`);
    expect(got.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(got.body).toEqual({ index_templates: [{ name: spec.name, index_template: spec.body }] });
    await provisioner('elasticsearch', 'delete', endpoint, template.spec);
    expect((await getJson(`${endpoint}/_index_template/${spec.name}`)).status).toBe(404);
  }, 300_000);
});
