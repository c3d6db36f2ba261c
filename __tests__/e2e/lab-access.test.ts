/** How the rehearsal reaches the lab: the access mode and logins read from the stack and its outputs. */
import { labAccess, parseLabOutputs, synthesizedAccess, type LabOutputs } from '../../e2e/lab-access';
import { configWith, synthStack } from '../support/synth';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** `tofu output -json` of a stack with these outputs (the shape OpenTofu prints). */
const outputsJson = (values: Record<string, string>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { sensitive: name.endsWith('password'), type: 'string', value }])));

const AUTHENTICATED = {
  access: 'authenticated',
  lab_user: 'lab',
  lab_password: 'person-secret',
  deployer_user: 'lab-deployer',
  deployer_password: 'deployer-secret',
  ca_cert_file: '/state/tls/ca.pem',
  grafana_admin_user: 'lab',
  grafana_admin_password: 'person-secret',
  grafana_url: 'https://127.0.0.1:3000',
};

describe('synthesizedAccess', () => {
  it("reads the stack's access output, and takes a stack without one for open", () => {
    const tf = synthStack(configWith({ pipelines: ['ratings'] }));
    const withAccess = (value: unknown): Record<string, unknown> => ({ ...tf, output: { ...(tf.output as object), access: { value } } });
    expect(synthesizedAccess(withAccess('authenticated'))).toBe('authenticated');
    expect(synthesizedAccess(withAccess('open'))).toBe('open');
    expect(synthesizedAccess({ ...tf, output: {} })).toBe('open');
    expect(synthesizedAccess(tf)).toBe('open');
    expect(synthesizedAccess(synthStack(configWith({ pipelines: ['ratings'], access: 'authenticated' })))).toBe('authenticated');
    expect(() => synthesizedAccess(withAccess('closed'))).toThrow('the synthesized output "access" is "closed", expected one of open, authenticated');
  });
});

describe('parseLabOutputs', () => {
  it('reads an open lab: Grafana admin "admin", no logins', () => {
    expect(parseLabOutputs(outputsJson({ access: 'open', grafana_admin_user: 'admin', grafana_admin_password: 'g' }))).toEqual({ access: 'open', grafanaAdminUser: 'admin', grafanaAdminPassword: 'g' });
    // Before the access setting existed the stack had no access output.
    expect(parseLabOutputs(outputsJson({ grafana_admin_password: 'g' }))).toMatchObject({ access: 'open', grafanaAdminUser: 'admin' });
  });

  it("reads an authenticated lab's logins and CA file", () => {
    expect(parseLabOutputs(outputsJson(AUTHENTICATED))).toEqual({
      access: 'authenticated',
      grafanaAdminUser: 'lab',
      grafanaAdminPassword: 'person-secret',
      authenticated: { lab: { user: 'lab', password: 'person-secret' }, deployer: { user: 'lab-deployer', password: 'deployer-secret' }, caCertFile: '/state/tls/ca.pem' },
    });
  });

  it('names every login output an authenticated lab lacks, and refuses what is not JSON or no mode', () => {
    const { deployer_password: _p, ca_cert_file: _c, ...partial } = AUTHENTICATED;
    expect(() => parseLabOutputs(outputsJson({ ...partial, lab_user: '' }))).toThrow('the stack is deployed with authenticated access, but its outputs lack lab_user, deployer_password, ca_cert_file: the rehearsal cannot log in to check it');
    expect(() => parseLabOutputs('Warning: no outputs')).toThrow(/^the stack's outputs \(tofu output -json\) are not JSON: /);
    expect(() => parseLabOutputs(outputsJson({ access: 'closed' }))).toThrow('the output "access" is "closed", expected one of open, authenticated');
  });
});

describe('labAccess', () => {
  const authenticated = parseLabOutputs(outputsJson(AUTHENTICATED));
  const basic = (login: string): string => `Basic ${Buffer.from(login).toString('base64')}`;

  it('reaches an open lab in plain HTTP and PLAINTEXT, without reading any CA', () => {
    const open: LabOutputs = { access: 'open', grafanaAdminUser: 'admin', grafanaAdminPassword: 'g' };
    const access = labAccess(open, () => {
      throw new Error('no CA in open access');
    });
    expect(access).toEqual({ mode: 'open', scheme: 'http', http: {}, grafana: { adminUser: 'admin', adminPassword: 'g' }, kafka: {} });
  });

  it('reaches an authenticated lab over TLS trusting the CA file the outputs name: HTTP and Kafka as the deployer, Grafana as the person', () => {
    const read: string[] = [];
    const access = labAccess(authenticated, (file) => {
      read.push(file);
      return CA;
    });
    expect(read).toEqual(['/state/tls/ca.pem']);
    expect(access.scheme).toBe('https');
    expect(access.http).toEqual({ ca: CA, authorization: basic('lab-deployer:deployer-secret') });
    expect(access.grafana).toEqual({ adminUser: 'lab', adminPassword: 'person-secret', ca: CA });
    expect(access.kafka).toEqual({ ssl: { ca: [CA] }, sasl: { mechanism: 'scram-sha-512', username: 'lab-deployer', password: 'deployer-secret' } });
    expect(access.authenticated).toEqual({ lab: { user: 'lab', password: 'person-secret' }, deployer: { user: 'lab-deployer', password: 'deployer-secret' }, ca: CA });
  });

  it('says which CA file could not be read, or held no certificate', () => {
    const missing = (): string => {
      throw new Error('ENOENT: no such file or directory');
    };
    expect(() => labAccess(authenticated, missing)).toThrow('the CA certificate of the output ca_cert_file (/state/tls/ca.pem) cannot be read: ENOENT: no such file or directory');
    expect(() => labAccess(authenticated, () => '')).toThrow('the output ca_cert_file names /state/tls/ca.pem, which holds no PEM certificate');
  });
});
