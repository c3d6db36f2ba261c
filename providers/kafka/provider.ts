import { Construct } from 'constructs';
import * as cdktf from 'cdktf';
import { AttributeTable, synthesizeHcl, synthesizeJson } from './attributes';
import { KAFKA_GENERATOR_METADATA, KAFKA_PROVIDER_SOURCE } from './version';

/** SASL mechanisms the provider accepts (providerConfigure rejects any other value). */
export type KafkaSaslMechanism = 'plain' | 'scram-sha256' | 'scram-sha512' | 'aws-iam' | 'oauthbearer';

/**
 * Settings of the Mongey/kafka provider. Each field is the camelCase form of the provider's own
 * attribute, named in its comment; the deprecated `*_file` certificate attributes are left out.
 * Attributes left unset fall back to the provider's defaults, several of which read environment
 * variables (KAFKA_SASL_USERNAME, KAFKA_ENABLE_TLS, ...).
 */
export interface KafkaProviderConfig {
  /** `bootstrap_servers`: host:port of the brokers. */
  readonly bootstrapServers: string[];
  /**
   * `tls_enabled`. The provider DEFAULTS TO TRUE (env KAFKA_ENABLE_TLS), so a plaintext broker
   * needs an explicit `false` or every call fails with a TLS handshake error.
   */
  readonly tlsEnabled?: boolean | cdktf.IResolvable;
  /** `skip_tls_verify`: accept any server certificate (development clusters only). */
  readonly skipTlsVerify?: boolean | cdktf.IResolvable;
  /** `ca_cert`: PEM of the CA that signed the brokers' certificates. */
  readonly caCert?: string;
  /** `client_cert`: PEM client certificate (mutual TLS). */
  readonly clientCert?: string;
  /** `client_key`: PEM private key of `client_cert`. */
  readonly clientKey?: string;
  /** `client_key_passphrase`. */
  readonly clientKeyPassphrase?: string;
  /** `sasl_mechanism`; the provider default is `plain`. */
  readonly saslMechanism?: KafkaSaslMechanism;
  /** `sasl_username`. */
  readonly saslUsername?: string;
  /** `sasl_password`. */
  readonly saslPassword?: string;
  /** `sasl_token_url`: token endpoint for `oauthbearer`. */
  readonly saslTokenUrl?: string;
  /** `sasl_oauth_scopes`: scopes requested with `oauthbearer`. */
  readonly saslOauthScopes?: string[];
  /** `sasl_aws_region`: region of the MSK cluster (`aws-iam`). */
  readonly saslAwsRegion?: string;
  /** `sasl_aws_role_arn`. */
  readonly saslAwsRoleArn?: string;
  /** `sasl_aws_external_id`. */
  readonly saslAwsExternalId?: string;
  /** `sasl_aws_profile`. */
  readonly saslAwsProfile?: string;
  /** `sasl_aws_access_key`. */
  readonly saslAwsAccessKey?: string;
  /** `sasl_aws_secret_key`. */
  readonly saslAwsSecretKey?: string;
  /** `sasl_aws_token`. */
  readonly saslAwsToken?: string;
  /** `sasl_aws_creds_debug`. */
  readonly saslAwsCredsDebug?: boolean | cdktf.IResolvable;
  /** `sasl_aws_shared_config_files`. */
  readonly saslAwsSharedConfigFiles?: string[];
  /** `sasl_aws_container_authorization_token_file`. */
  readonly saslAwsContainerAuthorizationTokenFile?: string;
  /** `sasl_aws_container_credentials_full_uri`. */
  readonly saslAwsContainerCredentialsFullUri?: string;
  /** `kafka_version`: protocol version the client speaks; the provider default is 2.7.0. */
  readonly kafkaVersion?: string;
  /** `timeout`: seconds per admin call; the provider default is 120. */
  readonly timeout?: number;
  /** Provider alias, for a second configuration of the same provider. */
  readonly alias?: string;
}

/** The Mongey/kafka Terraform provider (`provider "kafka"`). */
export class KafkaProvider extends cdktf.TerraformProvider {
  public static readonly tfResourceType = 'kafka';

  private readonly settings: KafkaProviderConfig;
  private _alias?: string;

  public constructor(scope: Construct, id: string, config: KafkaProviderConfig) {
    super(scope, id, {
      terraformResourceType: KafkaProvider.tfResourceType,
      terraformGeneratorMetadata: { ...KAFKA_GENERATOR_METADATA },
      terraformProviderSource: KAFKA_PROVIDER_SOURCE,
    });
    this.settings = config;
    this._alias = config.alias;
  }

  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  /** The brokers this provider was configured with (an input, not a computed attribute). */
  public get bootstrapServers(): readonly string[] {
    return this.settings.bootstrapServers;
  }

  private attributeTable(): AttributeTable {
    const c = this.settings;
    return {
      bootstrap_servers: { kind: 'stringList', value: c.bootstrapServers },
      tls_enabled: { kind: 'boolean', value: c.tlsEnabled },
      skip_tls_verify: { kind: 'boolean', value: c.skipTlsVerify },
      ca_cert: { kind: 'string', value: c.caCert },
      client_cert: { kind: 'string', value: c.clientCert },
      client_key: { kind: 'string', value: c.clientKey },
      client_key_passphrase: { kind: 'string', value: c.clientKeyPassphrase },
      sasl_mechanism: { kind: 'string', value: c.saslMechanism },
      sasl_username: { kind: 'string', value: c.saslUsername },
      sasl_password: { kind: 'string', value: c.saslPassword },
      sasl_token_url: { kind: 'string', value: c.saslTokenUrl },
      sasl_oauth_scopes: { kind: 'stringList', value: c.saslOauthScopes },
      sasl_aws_region: { kind: 'string', value: c.saslAwsRegion },
      sasl_aws_role_arn: { kind: 'string', value: c.saslAwsRoleArn },
      sasl_aws_external_id: { kind: 'string', value: c.saslAwsExternalId },
      sasl_aws_profile: { kind: 'string', value: c.saslAwsProfile },
      sasl_aws_access_key: { kind: 'string', value: c.saslAwsAccessKey },
      sasl_aws_secret_key: { kind: 'string', value: c.saslAwsSecretKey },
      sasl_aws_token: { kind: 'string', value: c.saslAwsToken },
      sasl_aws_creds_debug: { kind: 'boolean', value: c.saslAwsCredsDebug },
      sasl_aws_shared_config_files: { kind: 'stringList', value: c.saslAwsSharedConfigFiles },
      sasl_aws_container_authorization_token_file: {
        kind: 'string',
        value: c.saslAwsContainerAuthorizationTokenFile,
      },
      sasl_aws_container_credentials_full_uri: { kind: 'string', value: c.saslAwsContainerCredentialsFullUri },
      kafka_version: { kind: 'string', value: c.kafkaVersion },
      timeout: { kind: 'number', value: c.timeout },
      alias: { kind: 'string', value: this._alias },
    };
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(this.attributeTable());
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(this.attributeTable());
  }
}
