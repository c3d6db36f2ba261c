import { createHash } from 'node:crypto';
import { Lazy, type ITerraformDependable, type TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { RUN_TYPESCRIPT } from '../lib/run-typescript';
import { OBJECT_LOGIN_ENV } from '../ops/object-env';
import { hostLoginOf } from './host-login';
import { TerraformData } from './terraform-data';

/**
 * The tools under ops/ that apply objects living behind a REST API. Each has `ops/<tool>/cli.ts`
 * with the verbs `apply` and `delete`, reading OBJECT_ENDPOINT and OBJECT_SPEC from the environment.
 */
export type RestTool = 'ksql' | 'connect' | 'elasticsearch' | 'kibana' | 'pinot';

export interface RestObjectProps {
  readonly tool: RestTool;
  /** Base URL of the service as seen from the machine running `cdktf deploy`. */
  readonly endpoint: string;
  /** What the tool needs to create, update and delete the object; serialized as JSON. */
  readonly spec: Readonly<Record<string, unknown>>;
  /**
   * The part of the spec whose change must re-create the object. Other changes (a statement's
   * line number in its file) update the state in place and run nothing.
   * @default the whole spec
   */
  readonly replaceOn?: Readonly<Record<string, unknown>>;
  /**
   * What must exist before the object is applied (the healthy service, the objects it reads).
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Objects whose replacement must replace this one too (dependents of a replaced ksqlDB object).
   * @default none
   */
  readonly replaceWith?: TerraformResource[];
  /**
   * Name in the Terraform address (`terraform_data.<tool>_<name>`), unique per tool in a stack.
   * @default the construct id
   */
  readonly name?: string;
}

/**
 * The project root relative to the directory Terraform runs in (cdktf.out/stacks/<stack>), so that
 * the synthesized JSON holds no absolute path.
 */
export const PROJECT_ROOT_FROM_STACK = '${path.module}/../../..';

/**
 * Runs an ops CLI from its TypeScript without type-checking (the project's own tests type-check
 * it), under the transpile cache: ten appliers starting at once do not each compile the sources.
 */
export function opsCommand(tool: RestTool, verb: 'apply' | 'delete'): string {
  return `${RUN_TYPESCRIPT} ops/${tool}/cli.ts ${verb}`;
}

/**
 * The SHA-256 of a spec's text once its tokens are resolved (a sensitive variable becomes
 * `${var.kafka_sasl_username}`), computed at synth: the placeholder a token has while constructs are
 * built carries a counter of every token made before it, so a hash of that text changed whenever
 * anything else in the stack made one more token, and replaced the object on the next deploy.
 */
function specHash(text: string): string {
  return Lazy.stringValue({ produce: (context) => createHash('sha256').update(String(context.resolve(text))).digest('hex') });
}

/**
 * An object behind a REST API, declared as Terraform state: a `terraform_data` whose create and
 * destroy provisioners run the project's applier. A changed spec changes the hash, which replaces
 * the resource (delete, then apply), and the change shows in `cdktf diff`.
 */
export class RestObject extends Construct {
  readonly resource: TerraformData;

  constructor(scope: Construct, id: string, props: RestObjectProps) {
    super(scope, id);
    const spec = JSON.stringify(props.spec);
    const login = hostLoginOf(this);
    // Destroy-time provisioners may read only `self`: the login travels in the input (state only; the JSON holds the expression).
    const env = {
      OBJECT_ENDPOINT: '${self.input.endpoint}',
      OBJECT_SPEC: '${self.input.spec}',
      ...(login ? { [OBJECT_LOGIN_ENV]: '${self.input.login}', NODE_EXTRA_CA_CERTS: login.caFileFromRoot } : {}),
    };
    this.resource = new TerraformData(this, 'object', {
      input: { endpoint: props.endpoint, spec, ...(login ? { login: `${login.user}:${login.password}` } : {}) },
      triggersReplace: { spec_sha256: specHash(props.replaceOn ? JSON.stringify(props.replaceOn) : spec) },
      dependsOn: login ? [...(props.dependsOn ?? []), ...login.ready] : props.dependsOn,
      // Terraform's JSON syntax wants bare addresses here ("terraform_data.x"), not "${...}" interpolations.
      lifecycle: props.replaceWith?.length
        ? { replaceTriggeredBy: props.replaceWith.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`) }
        : undefined,
      provisioners: [
        {
          type: 'local-exec',
          command: opsCommand(props.tool, 'apply'),
          workingDir: PROJECT_ROOT_FROM_STACK,
          environment: env,
        },
        {
          type: 'local-exec',
          when: 'destroy',
          command: opsCommand(props.tool, 'delete'),
          workingDir: PROJECT_ROOT_FROM_STACK,
          environment: env,
        },
      ],
    });
    // A delete that fails is printed with the object's name and the destroy goes on: one object
    // must not leave the rest of the stack (containers, volumes) undestroyable. cdktf's provisioner
    // type has no on_failure, so it is set on the synthesized destroy provisioner (index 1).
    this.resource.addOverride('provisioner.1.local-exec.on_failure', 'continue');
    // Readable plans and snapshots: terraform_data.ksql_RATINGS, not a hashed construct path.
    this.resource.overrideLogicalId(`${props.tool}_${props.name ?? id}`.replace(/[^A-Za-z0-9_-]/g, '_'));
  }
}
