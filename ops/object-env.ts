import { basicAuthorization } from '../lib/basic-auth';

/**
 * The contract between a RestObject's provisioners (constructs/rest-object.ts) and an ops CLI:
 * the endpoint and the JSON spec arrive in OBJECT_ENDPOINT and OBJECT_SPEC.
 */
/**
 * With `authenticated` access, the applier's login (user:password) at the lab's TLS proxy; the
 * proxy's CA comes in NODE_EXTRA_CA_CERTS, which Node's fetch trusts. Unset with open access.
 */
export const OBJECT_LOGIN_ENV = 'OBJECT_LOGIN';

/** The Authorization header of the applier's login, or none with open access. */
export function loginHeaders(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> {
  const login = env[OBJECT_LOGIN_ENV];
  if (!login) return {};
  if (!login.includes(':')) throw new Error(`${OBJECT_LOGIN_ENV} must be user:password (the stack's provisioners set it from the deployer's login)`);
  const colon = login.indexOf(':');
  return { Authorization: basicAuthorization(login.slice(0, colon), login.slice(colon + 1)) };
}

export interface ObjectEnv<T> {
  readonly endpoint: string;
  readonly spec: T;
}

export function readObjectEnv<T>(env: NodeJS.ProcessEnv = process.env): ObjectEnv<T> {
  const endpoint = env.OBJECT_ENDPOINT;
  const raw = env.OBJECT_SPEC;
  if (!endpoint) throw new Error('OBJECT_ENDPOINT is not set: ops CLIs are run by the stack\'s provisioners, which set it to the service URL');
  if (!raw) throw new Error('OBJECT_SPEC is not set: ops CLIs are run by the stack\'s provisioners, which set it to the object spec as JSON');
  try {
    return { endpoint: endpoint.replace(/\/+$/, ''), spec: JSON.parse(raw) as T };
  } catch (e) {
    throw new Error(`OBJECT_SPEC is not valid JSON (${(e as Error).message}): it must be the spec the stack serialized`);
  }
}
