import { Construct } from 'constructs';
import * as cdktf from 'cdktf';
import { AttributeTable, synthesizeHcl, synthesizeJson } from './attributes';
import { KAFKA_GENERATOR_METADATA } from './version';

/** Resource kinds an ACL can be created on (the provider's spelling, case-sensitive). */
export type KafkaAclResourceType = 'Topic' | 'Group' | 'Cluster' | 'TransactionalID' | 'DelegationToken';

/** How `resource_name` matches: exactly, or as a prefix. */
export type KafkaAclPatternType = 'Literal' | 'Prefixed';

/** Operations an ACL can allow or deny (the provider's spelling, case-sensitive). */
export type KafkaAclOperation =
  | 'All'
  | 'Read'
  | 'Write'
  | 'Create'
  | 'Delete'
  | 'Alter'
  | 'Describe'
  | 'ClusterAction'
  | 'DescribeConfigs'
  | 'AlterConfigs'
  | 'IdempotentWrite';

export type KafkaAclPermissionType = 'Allow' | 'Deny';

/**
 * A `kafka_acl` as the provider's schema declares it. Every attribute is ForceNew: any change
 * deletes the ACL and creates a new one.
 */
export interface KafkaAclConfig extends cdktf.TerraformMetaArguments {
  /** `resource_name`: topic name, group id, `kafka-cluster`, ... (or a prefix, see below). */
  readonly resourceName: string;
  /** `resource_type`. */
  readonly resourceType: KafkaAclResourceType;
  /** `resource_pattern_type_filter`; the provider default is `Literal`. */
  readonly resourcePatternTypeFilter?: KafkaAclPatternType;
  /** `acl_principal`, e.g. `User:payments-api`. */
  readonly aclPrincipal: string;
  /** `acl_host`: client host the ACL applies to; `*` for any. */
  readonly aclHost: string;
  /** `acl_operation`. */
  readonly aclOperation: KafkaAclOperation;
  /** `acl_permission_type`. */
  readonly aclPermissionType: KafkaAclPermissionType;
}

/** A Kafka access-control entry managed by the Mongey/kafka provider (`resource "kafka_acl"`). */
export class KafkaAcl extends cdktf.TerraformResource {
  public static readonly tfResourceType = 'kafka_acl';

  private readonly settings: KafkaAclConfig;

  public constructor(scope: Construct, id: string, config: KafkaAclConfig) {
    super(scope, id, {
      terraformResourceType: KafkaAcl.tfResourceType,
      terraformGeneratorMetadata: { ...KAFKA_GENERATOR_METADATA },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.settings = config;
  }

  /** Terraform id of the ACL (the provider encodes all its attributes in it). */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  public get resourceName(): string {
    return this.getStringAttribute('resource_name');
  }

  public get aclPrincipal(): string {
    return this.getStringAttribute('acl_principal');
  }

  private attributeTable(): AttributeTable {
    const c = this.settings;
    return {
      resource_name: { kind: 'string', value: c.resourceName },
      resource_type: { kind: 'string', value: c.resourceType },
      resource_pattern_type_filter: { kind: 'string', value: c.resourcePatternTypeFilter },
      acl_principal: { kind: 'string', value: c.aclPrincipal },
      acl_host: { kind: 'string', value: c.aclHost },
      acl_operation: { kind: 'string', value: c.aclOperation },
      acl_permission_type: { kind: 'string', value: c.aclPermissionType },
    };
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(this.attributeTable());
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(this.attributeTable());
  }
}
