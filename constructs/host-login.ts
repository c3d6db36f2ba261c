import type { ITerraformDependable } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * How the deploying machine logs in to the lab's published HTTP ports with `authenticated` access:
 * the appliers' user, its password (a Terraform expression of a random_password), the CA that signed
 * the proxy's certificate, and what must exist before a request can pass (the proxy, the CA file).
 */
export interface HostLogin {
  readonly user: string;
  readonly password: string;
  /** The CA certificate relative to the project root, where the appliers run. */
  readonly caFileFromRoot: string;
  readonly ready: readonly ITerraformDependable[];
}

const logins = new WeakMap<IConstruct, HostLogin>();

/**
 * Makes `login` the one every REST object under `scope` uses. A stack-wide setting rather than a
 * property passed through every pipeline construct: the objects' own declarations do not change
 * with the access mode, only how their appliers reach the services.
 */
export function useHostLogin(scope: IConstruct, login: HostLogin): void {
  logins.set(scope, login);
}

/** The login set on `scope` or its nearest ancestor; undefined with open access. */
export function hostLoginOf(scope: IConstruct): HostLogin | undefined {
  for (const s of [...scope.node.scopes].reverse()) {
    const login = logins.get(s);
    if (login) return login;
  }
  return undefined;
}
