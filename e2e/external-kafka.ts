/**
 * `npm run e2e -- --external-kafka`: the rehearsal against an existing, secured cluster. A real
 * Kafka broker (the integration harness's, from the Maven Central jars) speaks SASL_SSL only, with a
 * CA made for this run, SCRAM users and the standard authorizer on; the lab is deployed in
 * `kafka.mode = external` against it, with a topic prefix and managed ACLs, so that every container
 * of the lab (Connect and Debezium, the generators, the payments API, ...) connects over SASL_SSL
 * as a principal that holds only the ACLs the stack grants it.
 *
 * The broker listens on the Docker bridge's gateway address: the lab's containers reach the host
 * there whatever network the deploy creates, and so do the deploying machine's own clients (the
 * Terraform provider, the appliers, the rehearsal's probe), so one bootstrap address serves all.
 */
import { execFileSync } from 'node:child_process';
import type { KafkaConfig } from 'kafkajs';
import { terraformAdminAclGrants } from '../platform/service-acls';
import { randomPassword, startSecureKafka, type SaslUser, type SecureKafka } from '../integration/support/secure-kafka';

/** The prefix of everything the rehearsal's lab names on the cluster. */
export const EXTERNAL_TOPIC_PREFIX = 'e2e.';

export interface ExternalKafka {
  /** LAB_* and TF_VAR_* settings of the deploy (credentials only in TF_VAR_*, as a user passes them). */
  readonly env: Readonly<Record<string, string>>;
  /** Bootstrap and security of the rehearsal's own probe: the harness's super user, which sees every topic. */
  readonly probe: { readonly brokers: readonly string[] } & Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** Where the broker logs (kept after the run). */
  readonly logFile: string;
  stop(): Promise<void>;
}

/** What `docker network inspect bridge` says of the default bridge, as far as the gateway goes. */
export interface BridgeNetworkInspect {
  readonly IPAM?: { readonly Config?: ReadonlyArray<{ readonly Subnet?: string; readonly Gateway?: string }> | null } | null;
  readonly Options?: Readonly<Record<string, string>> | null;
}

/** The IPv4 addresses of one interface, from `ip -j -4 addr show dev NAME` (only what is used). */
export type IpAddrShow = ReadonlyArray<{ readonly addr_info?: ReadonlyArray<{ readonly family?: string; readonly local?: string }> }>;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4ToNumber(address: string): number | undefined {
  const m = IPV4.exec(address);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Whether `address` lies in the IPv4 CIDR `subnet` (e.g. 172.17.0.0/16). */
export function inSubnet(address: string, subnet: string): boolean {
  const [base, bitsText] = subnet.split('/');
  const a = ipv4ToNumber(address);
  const b = ipv4ToNumber(base ?? '');
  const bits = Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/**
 * The default bridge's gateway: the host as every container sees it. Engines differ in what they
 * report: some give IPAM.Config[0].Gateway, a freshly started Debian 20.10 engine gives only the
 * Subnet. Then the gateway is the IPv4 address of the bridge's own interface (Options'
 * com.docker.network.bridge.name, docker0 by default) that lies in that subnet, as the engine
 * assigned it when it created the bridge.
 */
export function bridgeGatewayFrom(inspect: BridgeNetworkInspect, bridgeAddresses: (bridge: string) => IpAddrShow): string {
  const config = inspect.IPAM?.Config?.find((c) => c.Subnet !== undefined && ipv4ToNumber(c.Subnet.split('/')[0] ?? '') !== undefined) ?? inspect.IPAM?.Config?.[0];
  const reported = config?.Gateway?.trim();
  if (reported && ipv4ToNumber(reported) !== undefined) return reported;
  const subnet = config?.Subnet;
  const bridge = inspect.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  const candidates = bridgeAddresses(bridge)
    .flatMap((link) => link.addr_info ?? [])
    .filter((a) => a.family === 'inet' && a.local !== undefined)
    .map((a) => a.local as string);
  const address = subnet === undefined ? candidates[0] : candidates.find((a) => inSubnet(a, subnet));
  if (address !== undefined) return address;
  throw new Error(
    `the default Docker bridge's gateway is unknown: \`docker network inspect bridge\` reports no IPv4 Gateway ` +
      `(subnet ${subnet ?? 'none'}) and interface ${bridge} has ${candidates.length === 0 ? 'no IPv4 address' : `no address in that subnet (${candidates.join(', ')})`}; ` +
      'is the engine\'s default bridge enabled (dockerd without --bridge=none)?',
  );
}

/**
 * The addresses of interface `name`. Not os.networkInterfaces(): libuv leaves out interfaces that
 * are not RUNNING, and docker0 is not while no container is attached to it.
 */
function interfaceAddresses(name: string): IpAddrShow {
  try {
    const out = execFileSync('ip', ['-j', '-4', 'addr', 'show', 'dev', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
    return JSON.parse(out || '[]') as IpAddrShow;
  } catch {
    return []; // no such interface, or no `ip`: the error below names the interface
  }
}

/** The address of the default bridge network's gateway on this machine's engine. */
export function dockerBridgeGateway(): string {
  const json = execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{json .}}'], { encoding: 'utf8' });
  return bridgeGatewayFrom(JSON.parse(json) as BridgeNetworkInspect, interfaceAddresses);
}

/**
 * Starts the secured broker and creates the two principals a user of a managed cluster has: one
 * for Terraform (creates the prefixed topics and grants ACLs: Alter on the cluster) and one for the
 * lab's services, which gets nothing here: the deploy must grant it what it needs.
 */
export async function startExternalKafka(): Promise<ExternalKafka> {
  const gateway = dockerBridgeGateway();
  const broker: SecureKafka = await startSecureKafka({ containerHost: gateway });
  try {
    const terraform: SaslUser = { username: 'e2e-terraform', password: randomPassword() };
    const services: SaslUser = { username: 'e2e-services', password: randomPassword() };
    for (const user of [terraform, services]) await broker.createScramUser(user);
    await broker.grantAcls(`User:${terraform.username}`, terraformAdminAclGrants(EXTERNAL_TOPIC_PREFIX));
    const bootstrap = broker.containerBootstrap!;
    return {
      env: {
        LAB_KAFKA_MODE: 'external',
        LAB_KAFKA_BOOTSTRAP_SERVERS: bootstrap,
        LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        LAB_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        LAB_KAFKA_CA_CERT: broker.tls.caFile,
        LAB_KAFKA_TOPIC_PREFIX: EXTERNAL_TOPIC_PREFIX,
        LAB_KAFKA_MANAGE_ACLS: 'true',
        // One broker: every topic the stack or its services create has one replica.
        LAB_KAFKA_REPLICATION_FACTOR: '1',
        TF_VAR_kafka_sasl_username: services.username,
        TF_VAR_kafka_sasl_password: services.password,
        TF_VAR_kafka_admin_username: terraform.username,
        TF_VAR_kafka_admin_password: terraform.password,
      },
      probe: { brokers: [bootstrap], ...broker.clientSecurity(broker.superUser) },
      logFile: broker.logFile,
      stop: () => broker.stop(),
    };
  } catch (e) {
    await broker.stop();
    throw e;
  }
}
