/**
 * The authenticating TLS reverse proxy of the `authenticated` access mode: one nginx that publishes
 * every HTTP port of the lab, speaks TLS only, asks for HTTP basic auth and forwards to the service
 * on the Docker network. Pure text rendering; the construct that runs it lives elsewhere.
 *
 * Nothing rendered here may hold "${" or "%{": the files travel through the synthesized JSON, where
 * Terraform would read them as its own interpolation (the users file is the exception on purpose:
 * its passwords are Terraform references).
 */
import { PROXY_UPSTREAM_GONE_HEADER } from '../ops/service-gone';
import { isIP } from 'node:net';
import { hostPortProblem } from '../lib/host-port';
import { ProblemListError } from '../lib/problem-list-error';
import { httpStatusCheck } from './app-healthchecks';

/** Where the container finds its files; the construct uploads them there. */
export const PROXY_CONFIG_DIR = '/etc/lab-proxy';
export const PROXY_CONFIG_FILE = `${PROXY_CONFIG_DIR}/nginx.conf`;
/** The server certificate (leaf first, then any intermediates) and its key, PEM. */
export const PROXY_CERT_FILE = `${PROXY_CONFIG_DIR}/tls/server.pem`;
export const PROXY_KEY_FILE = `${PROXY_CONFIG_DIR}/tls/server.key`;
/**
 * The users file. nginx's workers (user `nobody`) read it on every request, unlike the key, which
 * the root master reads once: it must be readable by them.
 */
export const PROXY_USERS_FILE = `${PROXY_CONFIG_DIR}/users`;
/** Inside the container only (listens on 127.0.0.1): none of the lab's published ports. */
export const PROXY_HEALTH_PORT = 8999;
export const PROXY_HEALTH_PATH = '/healthz';
/** Docker's embedded DNS server, as every container on a user-defined network sees it. */
export const DOCKER_DNS_RESOLVER = '127.0.0.11';
/** The realm browsers show in their login prompt. */
export const PROXY_REALM = 'streaming-analytics-lab';
/**
 * The pid file and nginx's temp directories go here: writable in any container and for a
 * non-root nginx, unlike the compiled-in paths (/run, /var/lib/nginx, /var/cache/nginx).
 */
export const PROXY_RUN_DIR = '/tmp';

/** One published port and the service behind it. */
export interface ProxyRoute {
  /** The service, for messages and the config's comments: letters, digits and '-'. */
  readonly name: string;
  readonly listenPort: number;
  /** `http://host:port` on the Docker network, no path. */
  readonly upstream: string;
  /**
   * Hand the person's Authorization header on to the service (Grafana, whose admin login is the
   * person's login); every other service gets none.
   * @default false
   */
  readonly passAuthorization?: boolean;
}


export interface NginxConfigOptions {
  readonly routes: readonly ProxyRoute[];
  readonly certFile: string;
  readonly keyFile: string;
  readonly usersFile: string;
  readonly healthPort: number;
  /**
   * The DNS server nginx asks at request time (DOCKER_DNS_RESOLVER in a container). Without it
   * every upstream host must be an IP address: nginx has no other way to resolve a name it meets
   * in a variable.
   */
  readonly resolver?: string;
  /** The IPv4 address the routes listen on; all of the container's addresses when not given. */
  readonly listenAddress?: string;
  /** PROXY_RUN_DIR unless given (a test running several nginx processes gives each its own). */
  readonly runDir?: string;
}

const ROUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const PLAIN_PATH = /^\/[A-Za-z0-9._/-]+$/;
const UPSTREAM = /^http:\/\/([^/?#@\s]+)$/;

const isPort = (port: number): boolean => Number.isInteger(port) && port >= 1 && port <= 65535;

function optionProblems(options: NginxConfigOptions): string[] {
  const problems: string[] = [];
  if (options.routes.length === 0) problems.push('no routes: the proxy would publish nothing');
  for (const [what, path] of [['certFile', options.certFile], ['keyFile', options.keyFile], ['usersFile', options.usersFile], ['runDir', options.runDir]] as const) {
    if (path !== undefined && !PLAIN_PATH.test(path)) problems.push(`${what} '${path}' must be an absolute path of letters, digits, '.', '_', '-' and '/'`);
  }
  if (!isPort(options.healthPort)) problems.push(`healthPort ${options.healthPort} is not a TCP port (1-65535)`);
  if (options.resolver !== undefined && isIP(options.resolver) !== 4) problems.push(`resolver '${options.resolver}' must be an IPv4 address`);
  if (options.listenAddress !== undefined && isIP(options.listenAddress) !== 4) problems.push(`listenAddress '${options.listenAddress}' must be an IPv4 address`);
  return problems;
}

function routeProblems(route: ProxyRoute, hasResolver: boolean): string[] {
  const problems: string[] = [];
  const label = `route '${route.name}'`;
  if (!ROUTE_NAME.test(route.name)) problems.push(`${label}: the name must start with a letter and hold letters, digits and '-'`);
  if (!isPort(route.listenPort)) problems.push(`${label}: listenPort ${route.listenPort} is not a TCP port (1-65535)`);
  const match = UPSTREAM.exec(route.upstream);
  const hostPort = match?.[1];
  const problem = hostPort === undefined ? 'is not http://host:port' : hostPortProblem(hostPort);
  if (problem !== undefined) {
    problems.push(`${label}: upstream '${route.upstream}' ${problem} (the form is http://host:port, no path: the request's own path is passed on)`);
  } else if (!hasResolver && hostPort !== undefined) {
    const host = hostPort.slice(0, hostPort.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) === 0) problems.push(`${label}: upstream host '${host}' is a name, and without a resolver nginx cannot look it up at request time (give resolver, or an IP address)`);
  }
  return problems;
}

/** Each port taken twice (by routes or by a route and the health server), naming who takes it. */
function portClashes(options: NginxConfigOptions): string[] {
  const owners = new Map<number, string[]>();
  const claim = (port: number, owner: string): void => {
    owners.set(port, [...(owners.get(port) ?? []), owner]);
  };
  for (const route of options.routes) claim(route.listenPort, `route '${route.name}'`);
  claim(options.healthPort, 'the health server');
  const clashes: string[] = [];
  for (const [port, names] of owners) {
    if (names.length > 1) clashes.push(`port ${port} is taken by ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);
  }
  const seen = new Set<string>();
  for (const route of options.routes) {
    if (seen.has(route.name)) clashes.push(`route name '${route.name}' is used twice`);
    seen.add(route.name);
  }
  return clashes;
}

/** The server block of one published port. */
function routeServer(route: ProxyRoute, options: NginxConfigOptions): string[] {
  const listen = options.listenAddress === undefined ? `${route.listenPort}` : `${options.listenAddress}:${route.listenPort}`;
  return [
    `    # ${route.name}: https on ${route.listenPort} -> ${route.upstream}`,
    '    server {',
    `        listen ${listen} ssl;`,
    `        ssl_certificate ${options.certFile};`,
    `        ssl_certificate_key ${options.keyFile};`,
    `        auth_basic "${PROXY_REALM}";`,
    `        auth_basic_user_file ${options.usersFile};`,
    '        location / {',
    // A variable makes nginx resolve the host per request (through the resolver), so the proxy
    // starts before the services exist and follows a recreated container to its new address.
    `            set $lab_upstream ${route.upstream};`,
    '            proxy_pass $lab_upstream;',
    // Redirects to the service's own address, or to the public address in plain http (the
    // service sees the client's Host but not TLS), are turned into ones the client can follow.
    `            proxy_redirect ${route.upstream}/ /;`,
    '            proxy_redirect http://$http_host/ https://$http_host/;',
    // Every proxy_set_header of the route is here: one at a lower level would hide the others.
    // The person's credentials stop here (no service but Grafana knows them), except for Grafana,
    // where they are its admin login.
    ...(route.passAuthorization ? [] : ['            proxy_set_header Authorization "";']),
    '            proxy_set_header Host $http_host;',
    '            proxy_set_header Upgrade $http_upgrade;',
    '            proxy_set_header Connection $connection_upgrade;',
    '            proxy_set_header X-Forwarded-Proto https;',
    '            proxy_set_header X-Forwarded-Host $http_host;',
    '            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        }',
    // nginx's own 502 (the service's name does not resolve, nothing listens): marked, so that a
    // destroy-time applier can tell a service that is gone from one that answers with an error.
    '        error_page 502 = @upstream_gone;',
    '        location @upstream_gone {',
    `            add_header ${PROXY_UPSTREAM_GONE_HEADER} 1 always;`,
    '            default_type text/plain;',
    `            return 502 "the lab proxy reaches no service at ${route.upstream}\\n";`,
    '        }',
    '    }',
  ];
}

/**
 * A complete nginx.conf for nginx in the foreground (`-g 'daemon off;'`, PROXY_COMMAND) started as
 * root in a container, workers as `nobody`. Throws a ProblemListError naming every bad route.
 */
export function renderNginxConfig(options: NginxConfigOptions): string {
  const problems = [
    ...optionProblems(options),
    ...options.routes.flatMap((route) => routeProblems(route, options.resolver !== undefined)),
    ...portClashes(options),
  ];
  if (problems.length > 0) throw new ProblemListError('the proxy configuration is not usable', problems);
  const run = options.runDir ?? PROXY_RUN_DIR;
  return [
    '# The lab\'s authenticating TLS proxy (platform/proxy-config.ts). Generated: edit the source.',
    // Ignored with a warning when the master is not root (a test); both images have nobody/nogroup.
    'user nobody nogroup;',
    'worker_processes 1;',
    `pid ${run}/nginx.pid;`,
    'error_log stderr warn;',
    '',
    'events {',
    '    worker_connections 1024;',
    '}',
    '',
    'http {',
    `    client_body_temp_path ${run}/nginx-client-body;`,
    `    proxy_temp_path ${run}/nginx-proxy;`,
    `    fastcgi_temp_path ${run}/nginx-fastcgi;`,
    `    uwsgi_temp_path ${run}/nginx-uwsgi;`,
    `    scgi_temp_path ${run}/nginx-scgi;`,
    '    server_tokens off;',
    // A relative Location from a service stays relative: made absolute, it would carry nginx's
    // idea of the port, which is not the host's when Docker publishes the port under another number.
    '    absolute_redirect off;',
    '',
    // Every request through the proxy comes from a person or a tool on the host (the lab's own
    // services talk to each other on the Docker network), so the log is small, and in a lab
    // reachable from a network it says who came in and who was refused (401 with the user tried).
    // The path without its query: a query string may carry a token.
    '    log_format lab_proxy \'$remote_addr user=$remote_user port=$server_port "$request_method $uri" $status $body_bytes_sent $request_time\';',
    '    access_log /dev/stdout lab_proxy;',
    '',
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    ssl_session_cache shared:lab_tls:1m;',
    '    ssl_session_timeout 1h;',
    '',
    ...(options.resolver === undefined ? [] : [
      // valid=10s: a recreated container's new address is found within 10 s, whatever TTL Docker gives.
      `    resolver ${options.resolver} valid=10s ipv6=off;`,
      '    resolver_timeout 5s;',
      '',
    ]),
    '    map $http_upgrade $connection_upgrade {',
    '        default upgrade;',
    "        '' close;",
    '    }',
    '    proxy_http_version 1.1;',
    // ksqlDB's push queries, Kafka UI's streams and Grafana's live updates go out as they come,
    // and ksqlDB's /inserts-stream reads a request body that never ends.
    '    proxy_buffering off;',
    '    proxy_request_buffering off;',
    '    proxy_read_timeout 3600s;',
    '    proxy_send_timeout 3600s;',
    '    proxy_connect_timeout 10s;',
    // Kibana's saved-object imports.
    '    client_max_body_size 50m;',
    '',
    ...options.routes.flatMap((route) => [...routeServer(route, options), '']),
    // Docker's health check, from inside the container only: plain http, no login, no log.
    '    server {',
    `        listen 127.0.0.1:${options.healthPort};`,
    '        access_log off;',
    `        location = ${PROXY_HEALTH_PATH} {`,
    '            default_type text/plain;',
    '            return 200 "ok";',
    '        }',
    '        location / {',
    '            return 404;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}

export interface ProxyUser {
  readonly name: string;
  /** Plain text or a Terraform reference to it (`${random_password.x.result}`). */
  readonly password: string;
}

/**
 * The users file, in nginx's `{PLAIN}` scheme. A hash would keep the passwords out of the file,
 * but the file lives only in the container and the Terraform state, as the services' own
 * passwords do, and bcrypt would cost about 70 ms of CPU on every request (nginx checks each one).
 * Passwords are not inspected beyond the characters that end them in the file (a line break, and
 * ':', where nginx stops reading a password: integration/proxy/ shows it): they may be Terraform
 * references, so a random_password for this file must leave ':' out of its special characters.
 */
export function nginxUsersFile(users: readonly ProxyUser[]): string {
  const problems: string[] = [];
  if (users.length === 0) problems.push('no users: nobody could log in');
  const seen = new Set<string>();
  users.forEach((user, index) => {
    const label = `user ${index + 1} '${user.name}'`;
    // Basic auth's user-id ends at the first ':'; nginx skips lines starting with '#'.
    if (user.name === '' || /[:\u0000-\u001f\u007f]/.test(user.name) || user.name.startsWith('#')) {
      problems.push(`${label}: a user name must be non-empty, without ':', line breaks or control characters, and not start with '#'`);
    }
    if (seen.has(user.name)) problems.push(`${label}: the name is given twice (nginx would use the first only)`);
    seen.add(user.name);
    if (user.password === '') problems.push(`${label}: the password is empty`);
    if (/[\r\n:]/.test(user.password)) problems.push(`${label}: the password holds ':' or a line break, where nginx stops reading it`);
  });
  if (problems.length > 0) throw new ProblemListError('the proxy users file is not usable', problems);
  return users.map((user) => `${user.name}:{PLAIN}${user.password}\n`).join('');
}

/**
 * Docker's health check: GET /healthz on the health server over bash's /dev/tcp, 2xx required.
 * The exec form with bash, as the project's other checks: CMD-SHELL would run /bin/sh, which is
 * dash in both nginx images and has no /dev/tcp; curl is in neither for certain.
 */
export function proxyHealthCheck(healthPort: number): string[] {
  return httpStatusCheck(healthPort, PROXY_HEALTH_PATH);
}

/**
 * The container's command. `-e stderr`: nginx opens its compiled-in error log before it reads the
 * config; this way nothing goes to a file no one reads (nginx 1.19.5 and later know `-e`).
 */
export function proxyCommand(configFile: string = PROXY_CONFIG_FILE): string[] {
  return ['nginx', '-e', 'stderr', '-c', configFile, '-g', 'daemon off;'];
}

export const PROXY_COMMAND: readonly string[] = proxyCommand();
