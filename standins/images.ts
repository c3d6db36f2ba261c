/**
 * The names of the stand-in images: lab-local/standin-<service>:<tag of the image it replaces>, the
 * tag taken from the stack's pins (config/defaults.ts) so that a pin moved there moves here.
 * `node -r ts-node/register/transpile-only standins/images.ts` prints one line per image,
 * "<service> <version> <image> <replaced image>", for scripts/local-images/standins.sh.
 */
import { DEFAULT_IMAGES } from '../config/defaults';
import type { ImageName } from '../config/types';
import { STANDIN_SERVICES, type StandinService } from './services';

/** Labels every stand-in image carries, so that a check of a deployed container can tell it is one. */
export const STANDIN_LABEL = 'lab.standin';
export const STANDIN_REPLACES_LABEL = 'lab.standin.replaces';

const REPLACED: Readonly<Record<StandinService, ImageName>> = {
  elasticsearch: 'elasticsearch',
  kibana: 'kibana',
  grafana: 'grafana',
  pinot: 'pinot',
  'kafka-ui': 'kafkaUi',
};

export interface StandinImage {
  readonly service: StandinService;
  /** The `images.*` setting the stand-in image is used for. */
  readonly setting: ImageName;
  readonly version: string;
  readonly image: string;
  readonly replaces: string;
}

/** The tag of an image reference (registry ports are not tags: only the part after the last '/'). */
export function imageTag(reference: string): string {
  const last = reference.slice(reference.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon < 0) throw new Error(`image '${reference}' has no tag: pin a version in config/defaults.ts`);
  return last.slice(colon + 1);
}

export function standinImages(images: Readonly<Record<ImageName, string>> = DEFAULT_IMAGES): StandinImage[] {
  return STANDIN_SERVICES.map((service) => {
    const setting = REPLACED[service];
    const replaces = images[setting];
    const version = imageTag(replaces);
    return { service, setting, version, image: `lab-local/standin-${service}:${version}`, replaces };
  });
}

if (require.main === module) {
  for (const i of standinImages()) console.log(`${i.service} ${i.version} ${i.image} ${i.replaces}`);
}
