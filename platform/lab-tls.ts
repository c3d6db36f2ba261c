import { Construct } from 'constructs';
import { PROJECT_ROOT_FROM_STACK } from '../constructs/rest-object';
import { TerraformData } from '../constructs/terraform-data';
import { RUN_TYPESCRIPT } from '../lib/run-typescript';

/** The files ops/tls writes, by name in its directory. */
const CA_CERT = 'ca.pem';
const SERVER_CHAIN = 'server.pem';
const SERVER_KEY = 'server.key';

export interface LabTlsProps {
  readonly project: string;
  /**
   * Names and addresses the server certificate must hold besides those ops/tls always adds
   * (localhost, 127.0.0.1, ::1, the machine's host name and interface addresses): the bind address.
   */
  readonly hosts: readonly string[];
}

/**
 * The lab's private CA and one server certificate (the proxy's HTTPS ports and the brokers' SASL_SSL
 * host listener), made at deploy time on the deploying machine by ops/tls (pure Node: no Terraform
 * TLS provider or openssl is needed) under `.lab/<project>/tls/` and removed on destroy. The keys
 * stay files of that machine, with mode 0600: Terraform hands them to the containers by path, so
 * they are neither in the synthesized JSON nor in the state.
 */
export class LabTls extends Construct {
  readonly resource: TerraformData;
  /** The directory, relative to the project root (where the appliers run). */
  readonly dirFromRoot: string;

  constructor(scope: Construct, id: string, props: LabTlsProps) {
    super(scope, id);
    this.dirFromRoot = `.lab/${props.project}/tls`;
    const env = { LAB_TLS_DIR: '${self.input.dir}', LAB_TLS_HOSTS: '${self.input.hosts}' };
    const command = (verb: 'ensure' | 'remove'): string => `${RUN_TYPESCRIPT} ops/tls/cli.ts ${verb}`;
    const input = { dir: this.dirFromRoot, hosts: props.hosts.join(',') };
    this.resource = new TerraformData(this, 'material', {
      input,
      // Other hosts need another server certificate: ensure runs again (it keeps the CA it finds).
      triggersReplace: input,
      provisioners: [
        { type: 'local-exec', command: command('ensure'), workingDir: PROJECT_ROOT_FROM_STACK, environment: env },
        { type: 'local-exec', when: 'destroy', command: command('remove'), workingDir: PROJECT_ROOT_FROM_STACK, environment: env },
      ],
    });
    this.resource.overrideLogicalId('tls');
  }

  /** The CA certificate relative to the project root: NODE_EXTRA_CA_CERTS of the appliers. */
  get caFileFromRoot(): string {
    return `${this.dirFromRoot}/${CA_CERT}`;
  }

  /** The CA certificate as Terraform reaches it (the Kafka provider's ca_cert). */
  get caFileFromStack(): string {
    return `${PROJECT_ROOT_FROM_STACK}/${this.caFileFromRoot}`;
  }

  /** The server certificate followed by the CA's, as Terraform reaches it (a container upload's source). */
  get serverChainFromStack(): string {
    return `${PROJECT_ROOT_FROM_STACK}/${this.dirFromRoot}/${SERVER_CHAIN}`;
  }

  /** The server's private key, as Terraform reaches it. */
  get serverKeyFromStack(): string {
    return `${PROJECT_ROOT_FROM_STACK}/${this.dirFromRoot}/${SERVER_KEY}`;
  }
}
