import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { deployedTopicName } from '../lib/topic-prefix';
import { KafkaAcl, type KafkaAclOperation, type KafkaAclPatternType, type KafkaAclResourceType } from '../providers/kafka';

/** One ACL binding pattern with the operations the lab's services need on it. */
export interface AclGrant {
  readonly resourceType: KafkaAclResourceType;
  readonly patternType: KafkaAclPatternType;
  readonly resourceName: string;
  readonly operations: readonly KafkaAclOperation[];
  /** Which service needs it, for the README and a reviewer of the plan. */
  readonly why: string;
}

/** ksqlDB names its internal topics and query consumer groups `_confluent-ksql-<service id>...`. */
const KSQL_INTERNAL = '_confluent-ksql-';

const TOPIC_OPERATIONS: readonly KafkaAclOperation[] = ['Create', 'Describe', 'DescribeConfigs', 'AlterConfigs', 'Read', 'Write', 'Delete'];
const GROUP_OPERATIONS: readonly KafkaAclOperation[] = ['Read', 'Describe', 'Delete'];

/**
 * The least ACLs the lab's services need on a shared cluster, all scoped to kafka.topicPrefix:
 * every topic, group and transactional id the stack names starts with it (ksqlDB's internal ones
 * with `_confluent-ksql-` and then the prefix). The stack creates these when
 * kafka.external.manageAcls is on; README, "External Kafka", lists them for an administrator.
 */
export function serviceAclGrants(topicPrefix: string): AclGrant[] {
  const prefixed = (name: string): string => deployedTopicName(topicPrefix, name);
  return [
    {
      resourceType: 'Topic',
      patternType: 'Prefixed',
      resourceName: prefixed(''),
      operations: TOPIC_OPERATIONS,
      why: "pipeline topics (generators, the payments API, ksqlDB, Connect), Connect's and Schema Registry's internal topics, Debezium's schema history, ksqlDB's processing log",
    },
    { resourceType: 'Group', patternType: 'Prefixed', resourceName: prefixed(''), operations: GROUP_OPERATIONS, why: "Connect's worker group and its sink connectors' groups, Schema Registry's group" },
    { resourceType: 'Topic', patternType: 'Prefixed', resourceName: `${KSQL_INTERNAL}${prefixed('')}`, operations: TOPIC_OPERATIONS, why: "ksqlDB's command topic, changelog and repartition topics" },
    { resourceType: 'Group', patternType: 'Prefixed', resourceName: `${KSQL_INTERNAL}${prefixed('')}`, operations: GROUP_OPERATIONS, why: "ksqlDB's persistent and transient query groups" },
    { resourceType: 'TransactionalID', patternType: 'Prefixed', resourceName: prefixed(''), operations: ['Describe', 'Write'], why: "ksqlDB's command topic producer (transactional, id = its service id)" },
    { resourceType: 'Cluster', patternType: 'Literal', resourceName: 'kafka-cluster', operations: ['Describe', 'DescribeConfigs'], why: 'ksqlDB and Kafka UI read the cluster and broker configuration' },
  ];
}

/**
 * What the principal Terraform logs in as (TF_VAR_kafka_admin_*) needs when kafka.external.manageAcls
 * is on: all on the prefixed topics it creates, and Alter on the cluster to grant the services'
 * ACLs (Describe to read them back). The test clusters grant exactly this.
 */
export function terraformAdminAclGrants(topicPrefix: string): AclGrant[] {
  return [
    { resourceType: 'Cluster', patternType: 'Literal', resourceName: 'kafka-cluster', operations: ['Alter', 'Describe'], why: "Terraform grants and reads the services' ACLs" },
    { resourceType: 'Topic', patternType: 'Prefixed', resourceName: deployedTopicName(topicPrefix, ''), operations: ['All'], why: 'Terraform creates, changes and deletes the pipeline topics' },
  ];
}

/** One line per grant and operation, as kafka-acls would print them: what an administrator grants by hand. */
export function aclGrantLines(grants: readonly AclGrant[]): string[] {
  return grants.flatMap((g) => g.operations.map((op) => `${g.resourceType} ${g.patternType} '${g.resourceName}': ${op}`));
}

/** The grants as rows of the README's ACL table: type, pattern, name, operations, who needs it. */
export function aclGrantRows(grants: readonly AclGrant[]): string[] {
  return grants.map((g) => `| ${g.resourceType} | ${g.patternType} | \`${g.resourceName}\` | ${g.operations.join(', ')} | ${g.why} |`);
}

export interface ServiceAclsProps {
  /** `User:<name>` of the services' SASL login (a Terraform expression of the sensitive username). */
  readonly principal: string;
  readonly topicPrefix: string;
  /** ACLs are granted after these (nothing of the stack needs them earlier than its services start). */
  readonly dependsOn?: ITerraformDependable[];
}

/** The grants of serviceAclGrants() as kafka_acl resources, one per operation; destroy removes them. */
export class ServiceAcls extends Construct {
  readonly acls: KafkaAcl[] = [];

  constructor(scope: Construct, id: string, props: ServiceAclsProps) {
    super(scope, id);
    for (const grant of serviceAclGrants(props.topicPrefix)) {
      for (const operation of grant.operations) {
        const name = `acl_${grant.resourceType}_${grant.resourceName.startsWith(KSQL_INTERNAL) ? 'ksql_internal' : grant.patternType}_${operation}`.toLowerCase();
        const acl = new KafkaAcl(this, name, {
          resourceType: grant.resourceType,
          resourcePatternTypeFilter: grant.patternType,
          resourceName: grant.resourceName,
          aclPrincipal: props.principal,
          aclHost: '*',
          aclOperation: operation,
          aclPermissionType: 'Allow',
          dependsOn: props.dependsOn,
        });
        // Plans read as a list of grants: kafka_acl.acl_topic_prefixed_write, not a hashed path.
        acl.overrideLogicalId(name);
        this.acls.push(acl);
      }
    }
  }
}
