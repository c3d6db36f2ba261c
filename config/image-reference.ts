/**
 * Docker image references (the grammar of github.com/distribution/reference), checked at synth:
 * Docker would otherwise reject a bad one only when it pulls, half-way through a deploy.
 */

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Docker's limit on registry host plus repository path. */
const MAX_NAME_LENGTH = 255;

/** What isPinnedImage accepts, for messages. */
export const PINNED_IMAGE_RULE =
  'an image with a pinned tag or digest, in Docker\'s reference form: [registry-host[:port]/]lower-case/path:tag or ...@sha256:<64 hex digits>; the tag letters, digits, "_", "." and "-", at most 128, not starting with "." or "-", and never "latest" in any case';

/**
 * Whether `ref` is a valid reference that names one image version: a tag other than latest, or a
 * digest. As in Docker, the first path component is a registry host only if it has a "." or a
 * ":" or is "localhost"; otherwise it is part of the (lower-case) repository path.
 */
export function isPinnedImage(ref: string): boolean {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const named = at === -1 ? ref : ref.slice(0, at);
  const slash = named.indexOf('/');
  const first = slash === -1 ? '' : named.slice(0, slash);
  const hasDomain = /[.:]/.test(first) || first === 'localhost';
  const domain = hasDomain ? first : undefined;
  const rest = hasDomain ? named.slice(slash + 1) : named;
  // After the registry host, a ":" can only start the tag.
  const colon = rest.lastIndexOf(':');
  const path = colon === -1 ? rest : rest.slice(0, colon);
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  const nameLength = (domain === undefined ? 0 : domain.length + 1) + path.length;
  return (
    (domain === undefined || DOMAIN.test(domain)) &&
    PATH.test(path) &&
    nameLength <= MAX_NAME_LENGTH &&
    (tag === undefined || (TAG.test(tag) && tag.toLowerCase() !== 'latest')) &&
    (digest === undefined || DIGEST.test(digest)) &&
    (tag !== undefined || digest !== undefined)
  );
}
