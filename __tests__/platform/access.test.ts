/**
 * Issue 20: `authenticated` access over the synthesized JSON. Nothing published answers without a
 * login (every port is the proxy's TLS + basic auth, or a SASL_SSL broker listener), no secret is
 * in the JSON, and every client that crosses a published port is given its login.
 */
import { ConfigError, validateConfig } from '../../config/validate';
import { configWith, resourcesOf, synthStack, type Json } from '../support/synth';
import { PROXY_CONFIG_FILE, PROXY_USERS_FILE } from '../../platform/proxy-config';

interface Upload {
  readonly file: string;
  readonly content?: string;
  readonly source?: string;
}
interface Port {
  readonly internal: number;
  readonly external: number;
  readonly ip: string;
}

const containers = (tf: Json): Record<string, Json> => resourcesOf(tf, 'docker_container');
const envOf = (container: Json): Map<string, string> =>
  new Map(((container.env ?? []) as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
const uploadsOf = (container: Json): Upload[] => (container.upload ?? []) as Upload[];
const portsOf = (container: Json): Port[] => (container.ports ?? []) as Port[];

/** The nginx server blocks of the proxy's config, keyed by listen port. */
function proxyServers(proxy: Json): Map<number, string> {
  const config = uploadsOf(proxy).find((u) => u.file === PROXY_CONFIG_FILE)?.content ?? '';
  const servers = new Map<number, string>();
  for (const block of config.split(/\n    server \{\n/).slice(1)) {
    const listen = /listen (?:[\d.]+:)?(\d+)( ssl)?;/.exec(block);
    if (listen) servers.set(Number(listen[1]), block);
  }
  return servers;
}

describe('the access setting', () => {
  it('is open on loopback by default and authenticated on any other bind address', () => {
    expect(configWith().access).toBe('open');
    expect(configWith({ bindAddress: '0.0.0.0' }).access).toBe('authenticated');
    expect(configWith({ bindAddress: '192.168.56.10' }).access).toBe('authenticated');
    expect(configWith({ access: 'authenticated' }).access).toBe('authenticated');
  });

  it('refuses open on a network address, saying why', () => {
    const sources = new Map([['access', 'env LAB_ACCESS']]);
    let error: unknown;
    try {
      // configWith cannot pass where a value came from; the real loader marks env-set values so.
      validateConfig({ ...configWith(), bindAddress: '0.0.0.0', access: 'open' }, sources);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join('\n')).toMatch(/^access \(from env LAB_ACCESS\): got 'open'; allowed: "authenticated" when bindAddress \(0\.0\.0\.0\) is not a loopback address .*anyone on that network/);
  });

  it('names the allowed modes for an unknown one', () => {
    expect(() => configWith({ access: 'password' as never })).toThrow(/access: got 'password'; allowed: 'open', 'authenticated'/);
  });
});

describe.each([
  ['every pipeline on 0.0.0.0', { bindAddress: '0.0.0.0' }],
  ['ratings with authenticated access on loopback', { pipelines: ['ratings' as const], access: 'authenticated' as const }],
  ['three brokers on a LAN address', { bindAddress: '192.168.56.10', kafka: { brokers: 3 as const } }],
])('authenticated access: %s', (_name, overrides) => {
  const tf = synthStack(configWith(overrides));
  const text = JSON.stringify(tf);
  const all = containers(tf);
  const proxy = all.proxy;

  it('publishes nothing without a login: every port is the proxy\'s TLS and basic auth, or a SASL_SSL broker listener', () => {
    expect(proxy).toBeDefined();
    const servers = proxyServers(proxy);
    const published = Object.entries(all).flatMap(([name, c]) => portsOf(c).map((p) => ({ name, port: p })));
    expect(published.length).toBeGreaterThan(1);
    for (const { name, port } of published) {
      if (name === 'proxy') {
        const server = servers.get(port.internal);
        expect({ port: port.internal, server }).toEqual({ port: port.internal, server: expect.stringContaining(' ssl;') });
        expect(server).toMatch(/auth_basic "[^"]+";/);
        expect(server).toContain(`auth_basic_user_file ${PROXY_USERS_FILE};`);
      } else {
        expect(name).toMatch(/^kafka-\d$/);
        expect(envOf(all[name]).get('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')).toMatch(/HOST:SASL_SSL$/);
        expect(envOf(all[name]).get('KAFKA_LISTENER_NAME_HOST_SASL_ENABLED_MECHANISMS')).toBe('SCRAM-SHA-512');
      }
    }
    // Every route of the proxy is published, and no service container publishes an HTTP port itself.
    expect([...servers.keys()].filter((p) => p !== 8999).sort()).toEqual(portsOf(proxy).map((p) => p.internal).sort());
  });

  it('keeps every secret out of the JSON: passwords are references to random_password resources', () => {
    for (const [name, c] of Object.entries(all)) {
      for (const [key, value] of envOf(c)) if (/PASSWORD/.test(key)) expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\$\{random_password\.[\w-]+\.result\}$/) });
    }
    const users = uploadsOf(proxy).find((u) => u.file === PROXY_USERS_FILE)?.content ?? '';
    expect(users.trim().split('\n')).toEqual(['lab:{PLAIN}${random_password.lab-password.result}', 'lab-deployer:{PLAIN}${random_password.deployer-password.result}']);
    expect(text).not.toMatch(/BEGIN (EC |RSA )?PRIVATE KEY/);
    // The keys reach the containers by path, read at create time.
    for (const c of [proxy, all['kafka-1']]) {
      for (const u of uploadsOf(c).filter((u) => /\.key$/.test(u.file))) expect(u.source).toMatch(/^\$\{path\.module\}\/\.\.\/\.\.\/\.\.\/\.lab\/[a-z0-9-]+\/tls\/server\.key$/);
    }
    const outputs = (tf.output ?? {}) as Record<string, { value: string; sensitive?: boolean }>;
    for (const secret of ['lab_password', 'deployer_password', 'grafana_admin_password']) expect(outputs[secret]?.sensitive).toBe(true);
  });

  it('gives every client that crosses a published port its login', () => {
    const restObjects = Object.entries(resourcesOf(tf, 'terraform_data')).filter(([, d]) => JSON.stringify(d).includes('OBJECT_ENDPOINT'));
    expect(restObjects.length).toBeGreaterThan(0);
    for (const [name, d] of restObjects) {
      const input = d.input as { endpoint: string; login?: string };
      expect({ name, endpoint: input.endpoint, login: input.login }).toEqual({
        name,
        endpoint: expect.stringMatching(/^https:\/\//),
        login: 'lab-deployer:${random_password.deployer-password.result}',
      });
      for (const p of d.provisioner as Array<{ 'local-exec': { environment: Record<string, string> } }>) {
        expect(p['local-exec'].environment).toMatchObject({ OBJECT_LOGIN: '${self.input.login}', NODE_EXTRA_CA_CERTS: expect.stringMatching(/^\.lab\/[a-z0-9-]+\/tls\/ca\.pem$/) });
      }
      expect(d.depends_on).toEqual(expect.arrayContaining(['docker_container.proxy', 'terraform_data.tls']));
    }
    const provider = ((tf.provider as Record<string, Json[]>).kafka ?? [])[0];
    expect(provider).toMatchObject({ tls_enabled: true, sasl_mechanism: 'scram-sha512', sasl_username: 'lab-deployer', sasl_password: '${random_password.deployer-password.result}' });
    expect(provider.ca_cert).toMatch(/tls\/ca\.pem$/);
    // Grafana's admin is the person's login, and only Grafana's route hands the Authorization header on.
    expect(envOf(all.grafana).get('GF_SECURITY_ADMIN_USER')).toBe('lab');
    for (const [port, server] of proxyServers(proxy)) {
      if (port === 8999) continue;
      expect({ port, strips: server.includes('proxy_set_header Authorization "";') }).toEqual({ port, strips: !server.includes('set $lab_upstream http://grafana:') });
    }
  });

  it('does not publish MariaDB, whose protocol has no TLS here', () => {
    if (all.mariadb) expect(portsOf(all.mariadb)).toEqual([]);
  });
});

describe('open access', () => {
  const tf = synthStack(configWith({ pipelines: ['ratings'] }));
  it('has no proxy, no TLS material and no logins: each service publishes its own port over plain HTTP', () => {
    expect(containers(tf).proxy).toBeUndefined();
    expect(resourcesOf(tf, 'terraform_data').tls).toBeUndefined();
    expect(portsOf(containers(tf).ksqldb)).toEqual([{ internal: 8088, external: 8088, ip: '127.0.0.1' }]);
    expect(JSON.stringify(tf)).not.toContain('OBJECT_LOGIN');
    expect(envOf(containers(tf)['kafka-1']).get('KAFKA_LISTENER_SECURITY_PROTOCOL_MAP')).toMatch(/HOST:PLAINTEXT$/);
  });
});

describe('the memory authenticated access costs', () => {
  const total = (tf: Json): number => Object.values(containers(tf)).reduce((sum, c) => sum + Number(c.memory ?? 0), 0);
  it('is the proxy container alone (README, "Memory")', () => {
    const open = total(synthStack(configWith()));
    const authenticated = total(synthStack(configWith({ access: 'authenticated' })));
    expect(authenticated - open).toBe(configWith().memoryMb.proxy);
  });
});
