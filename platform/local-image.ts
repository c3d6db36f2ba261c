import { createHash } from 'node:crypto';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { PROJECT_ROOT_FROM_STACK } from '../constructs/rest-object';
import { TerraformData } from '../constructs/terraform-data';
import { PROJECT_ROOT } from '../lib/project-root';
import { sourceHash } from './source-hash';

export interface LocalImageProps {
  /** Repository name, e.g. `lab/app`; the tag is derived from the build inputs. */
  readonly repository: string;
  /** Build context, relative to the project root. */
  readonly context: string;
  /**
   * Dockerfile, relative to the project root.
   * @default `<context>/Dockerfile` (docker build's own default)
   */
  readonly dockerfile?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Files and folders (relative to the project root) whose content goes into the image. */
  readonly inputs: readonly string[];
  /**
   * Where the inputs are read (a test's own tree).
   * @default the project root
   */
  readonly root?: string;
}

/** Prefix of a derived tag, so a snapshot can mask the hash that follows it. */
export const SOURCE_TAG_PREFIX = 'src-';

/**
 * The tag of an image built from `inputs` with `buildArgs`: a changed source file or argument
 * gives a new tag, so the change shows in `cdktf diff` and replaces the containers that run it.
 */
export function sourceTag(inputs: readonly string[], buildArgs: Readonly<Record<string, string>>, root: string = PROJECT_ROOT): string {
  const args = Object.entries(buildArgs).sort(([a], [b]) => a.localeCompare(b));
  const digest = createHash('sha256').update(sourceHash(inputs, root)).update(JSON.stringify(args)).digest('hex');
  return `${SOURCE_TAG_PREFIX}${digest.slice(0, 16)}`;
}

/** Single-quoted for the POSIX shell Terraform's local-exec runs. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `docker build` command line that builds `tag` (run in the project root). */
export function dockerBuildCommand(tag: string, props: Pick<LocalImageProps, 'context' | 'dockerfile' | 'buildArgs'>): string {
  const args = Object.entries(props.buildArgs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `--build-arg ${shellQuote(`${k}=${v}`)}`);
  const file = props.dockerfile ? [`--file ${shellQuote(props.dockerfile)}`] : [];
  return ['docker build', `--tag ${shellQuote(tag)}`, ...file, ...args, shellQuote(props.context)].join(' ');
}

/**
 * An image built from this project's sources by the docker CLI on the deploying machine, then
 * handed to the docker provider by name.
 *
 * The provider's own `build` block sends a tar context to the engine's build API, which fails on
 * engines that use the containerd image store (the default of Docker Engine 29 and of recent
 * Docker Desktop: moby/moby#47717). The CLI builds through whichever builder the engine has
 * (BuildKit or the classic one), so the same stack deploys on both image stores. The provider's
 * `docker_image` then finds the built tag locally (it pulls only what it cannot find) and removes
 * it on destroy.
 */
export class LocalImage extends Construct {
  readonly image: Image;
  /** repository:tag of the built image. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: LocalImageProps) {
    super(scope, id);
    this.name = `${props.repository}:${sourceTag(props.inputs, props.buildArgs, props.root)}`;
    const build = new TerraformData(this, 'build', {
      input: { image: this.name },
      triggersReplace: { image: this.name },
      provisioners: [
        {
          type: 'local-exec',
          command: dockerBuildCommand(this.name, props),
          workingDir: PROJECT_ROOT_FROM_STACK,
        },
      ],
    });
    build.overrideLogicalId(`build_${id}`.replace(/[^A-Za-z0-9_-]/g, '_'));
    this.image = new Image(this, 'image', { name: this.name, keepLocally: false, dependsOn: [build] });
    this.image.overrideLogicalId(id);
  }
}
