/**
 * How the rehearsal reaches the deployed lab: in `open` access plain HTTP and PLAINTEXT Kafka
 * without logins; in `authenticated` access HTTPS through the lab's TLS proxy and SASL_SSL Kafka,
 * trusting only the CA the deploy made, with the logins the Terraform outputs hold. The access
 * mode comes from the synthesized stack (before the apply) and from its outputs (after it), so the
 * rehearsal follows whatever the configuration chose.
 */
import type { KafkaConfig } from 'kafkajs';
import { ACCESS_MODES, type AccessMode } from '../config/types';
import { basicAuthorization, OPEN_ACCESS, type HttpAccess } from './probes';

export function isAccessMode(value: unknown): value is AccessMode {
  return (ACCESS_MODES as readonly unknown[]).includes(value);
}

/** A login (HTTP basic auth, Kafka SCRAM-SHA-512). */
export interface Login {
  readonly user: string;
  readonly password: string;
}

/**
 * The access mode of a synthesized stack (cdk.tf.json): its `access` output. A stack without that
 * output was synthesized before the setting existed and is open.
 */
export function synthesizedAccess(tf: Record<string, unknown>): AccessMode {
  const output = (tf.output as Record<string, { value?: unknown }> | undefined)?.access;
  if (output === undefined) return 'open';
  if (!isAccessMode(output.value)) throw new Error(`the synthesized output "access" is ${JSON.stringify(output.value)}, expected one of ${ACCESS_MODES.join(', ')}`);
  return output.value;
}

/** What the rehearsal reads from the applied stack's outputs. */
export interface LabOutputs {
  readonly access: AccessMode;
  /** "admin" in open access; the person's login (`lab`) behind the proxy. */
  readonly grafanaAdminUser: string;
  readonly grafanaAdminPassword?: string;
  /** Authenticated access only: the person's and the deployer's logins and the CA file. */
  readonly authenticated?: {
    readonly lab: Login;
    readonly deployer: Login;
    /** Absolute path of the CA certificate (PEM) that signed the proxy's and the brokers' certificate. */
    readonly caCertFile: string;
  };
}

/** The outputs an authenticated stack must have, in the order parseLabOutputs reads them. */
const AUTHENTICATED_OUTPUTS = ['lab_user', 'lab_password', 'deployer_user', 'deployer_password', 'ca_cert_file'] as const;

/**
 * Reads `<tofu> output -json` (every output as `{"name": {"value": ..., "sensitive": ...}}`,
 * sensitive values included). In authenticated access every login output must be there: without
 * them nothing of the lab can be checked, so their absence is an error naming them.
 */
export function parseLabOutputs(text: string): LabOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`the stack's outputs (tofu output -json) are not JSON: ${(e as Error).message}`);
  }
  const outputs = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, { value?: unknown } | undefined>;
  const stringOutput = (name: string): string | undefined => {
    const value = outputs[name]?.value;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const accessValue = outputs.access?.value ?? 'open';
  if (!isAccessMode(accessValue)) throw new Error(`the output "access" is ${JSON.stringify(accessValue)}, expected one of ${ACCESS_MODES.join(', ')}`);
  const common = { access: accessValue, grafanaAdminUser: stringOutput('grafana_admin_user') ?? 'admin', grafanaAdminPassword: stringOutput('grafana_admin_password') };
  if (accessValue === 'open') return common;
  const [labUser, labPassword, deployerUser, deployerPassword, caCertFile] = AUTHENTICATED_OUTPUTS.map(stringOutput);
  if (!labUser || !labPassword || !deployerUser || !deployerPassword || !caCertFile) {
    const missing = AUTHENTICATED_OUTPUTS.filter((name) => stringOutput(name) === undefined);
    throw new Error(`the stack is deployed with authenticated access, but its outputs lack ${missing.join(', ')}: the rehearsal cannot log in to check it`);
  }
  return { ...common, authenticated: { lab: { user: labUser, password: labPassword }, deployer: { user: deployerUser, password: deployerPassword }, caCertFile } };
}

/** Everything the rehearsal's clients need to reach the lab in its access mode. */
export interface LabAccess {
  readonly mode: AccessMode;
  readonly scheme: 'http' | 'https';
  /** Every HTTP call of the checks: the deployer's login over TLS in authenticated access. */
  readonly http: HttpAccess;
  /** Grafana's admin, who is the person (`lab`) behind the proxy: the proxy hands that login on to Grafana. */
  readonly grafana: { readonly adminUser: string; readonly adminPassword?: string; readonly ca?: string };
  /** kafkajs TLS and SASL settings of the lab's brokers (none in open access). */
  readonly kafka: Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** Authenticated access only: the logins and the CA (PEM text), for the access checks. */
  readonly authenticated?: { readonly lab: Login; readonly deployer: Login; readonly ca: string };
}

/** The kafkajs settings of a SCRAM-SHA-512 login over TLS that trusts only `ca`. */
export function scramOverTls(ca: string, login: Login): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return { ssl: { ca: [ca] }, sasl: { mechanism: 'scram-sha-512', username: login.user, password: login.password } };
}

/** The clients' settings from the outputs; `readCa` reads the CA file the outputs name. */
export function labAccess(outputs: LabOutputs, readCa: (file: string) => string): LabAccess {
  const auth = outputs.authenticated;
  if (!auth) {
    return { mode: 'open', scheme: 'http', http: OPEN_ACCESS, grafana: { adminUser: outputs.grafanaAdminUser, adminPassword: outputs.grafanaAdminPassword }, kafka: {} };
  }
  let ca: string;
  try {
    ca = readCa(auth.caCertFile);
  } catch (e) {
    throw new Error(`the CA certificate of the output ca_cert_file (${auth.caCertFile}) cannot be read: ${(e as Error).message}`);
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`the output ca_cert_file names ${auth.caCertFile}, which holds no PEM certificate`);
  return {
    mode: 'authenticated',
    scheme: 'https',
    http: { ca, authorization: basicAuthorization(auth.deployer.user, auth.deployer.password) },
    grafana: { adminUser: outputs.grafanaAdminUser, adminPassword: outputs.grafanaAdminPassword, ca },
    kafka: scramOverTls(ca, auth.deployer),
    authenticated: { lab: auth.lab, deployer: auth.deployer, ca },
  };
}
