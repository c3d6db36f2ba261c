/**
 * lab-local/nginx:1.22.1 (scripts/local-images/platform-images.sh) run as the authenticated mode
 * runs the proxy: PROXY_COMMAND, the files of platform/proxy-config.ts at their container paths,
 * Docker's DNS as the resolver, a published port, the health check inside the container. Behind it
 * a second nginx container plays the service, reached by its name on a private network, and
 * started only after the proxy: the proxy must not need its services at start.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  DOCKER_DNS_RESOLVER,
  PROXY_CERT_FILE,
  PROXY_COMMAND,
  PROXY_CONFIG_DIR,
  PROXY_CONFIG_FILE,
  PROXY_HEALTH_PORT,
  PROXY_KEY_FILE,
  PROXY_USERS_FILE,
  proxyHealthCheck,
  renderNginxConfig,
} from '../../platform/proxy-config';
import { type HttpsAnswer, sendHttps } from '../proxy/client';
import { writeProxyFiles } from '../proxy/nginx';
import { waitUntil } from '../support/ports';
import { buildPlatformImages, docker, publishedAddress, removeQuietly, runHealthCheck, waitHealthy } from './support';

const IMAGE = 'lab-local/nginx:1.22.1';
const NETWORK = `lab-it-nginx-${process.pid}`;
const PROXY = `lab-it-nginx-proxy-${process.pid}`;
const SERVICE = `lab-it-nginx-service-${process.pid}`;
const ROUTE_PORT = 8443;
const USER = { name: 'lab-admin', password: 'Pw4proxyImageTest' };

/** The service: answers with what it received of the headers the proxy sets or strips. */
const SERVICE_CONFIG = `events {}
http {
    server {
        listen 8080;
        location / {
            default_type text/plain;
            return 200 "auth=[$http_authorization] proto=$http_x_forwarded_proto host=$http_host uri=$request_uri";
        }
    }
}
`;

describe('lab-local/nginx as the authenticating proxy', () => {
  let dir: string;
  let ca: string;
  let port: number;
  const send = (auth?: typeof USER): Promise<HttpsAnswer> => sendHttps({ port, path: '/subjects?deleted=true', ca, auth });

  beforeAll(async () => {
    await buildPlatformImages('nginx');
    dir = mkdtempSync(join(tmpdir(), 'lab-it-nginx-'));
    chmodSync(dir, 0o755);
    // The container's /etc/lab-proxy, as the construct would upload it.
    const files = join(dir, 'lab-proxy');
    const into = (containerPath: string): string => join(files, relative(PROXY_CONFIG_DIR, containerPath));
    mkdirSync(dirname(into(PROXY_CERT_FILE)), { recursive: true });
    const made = writeProxyFiles(dir, [USER]);
    ca = made.tls.caPem;
    copyFileSync(made.certFile, into(PROXY_CERT_FILE));
    copyFileSync(made.keyFile, into(PROXY_KEY_FILE));
    copyFileSync(made.usersFile, into(PROXY_USERS_FILE));
    writeFileSync(into(PROXY_CONFIG_FILE), renderNginxConfig({
      routes: [{ name: 'service', listenPort: ROUTE_PORT, upstream: `http://${SERVICE}:8080` }],
      certFile: PROXY_CERT_FILE,
      keyFile: PROXY_KEY_FILE,
      usersFile: PROXY_USERS_FILE,
      healthPort: PROXY_HEALTH_PORT,
      resolver: DOCKER_DNS_RESOLVER,
    }));
    writeFileSync(join(dir, 'service.conf'), SERVICE_CONFIG);

    docker('network', 'create', NETWORK);
    docker('run', '-d', '--name', PROXY, '--network', NETWORK, '-p', `127.0.0.1::${ROUTE_PORT}`, '-v', `${files}:${PROXY_CONFIG_DIR}:ro`, IMAGE, ...PROXY_COMMAND);
    await waitHealthy(PROXY, proxyHealthCheck(PROXY_HEALTH_PORT), 60_000);
    port = Number(publishedAddress(PROXY, ROUTE_PORT).split(':').pop());
  }, 600_000);

  afterAll(() => {
    removeQuietly('container', PROXY);
    removeQuietly('container', SERVICE);
    removeQuietly('network', NETWORK);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts and is healthy before its service exists, answering 502 for it meanwhile', async () => {
    expect(() => runHealthCheck(PROXY, proxyHealthCheck(PROXY_HEALTH_PORT))).not.toThrow();
    expect((await send(USER)).status).toBe(502);
  });

  it('reaches the service by its name through Docker\'s DNS once it runs, without the Authorization header', async () => {
    docker('run', '-d', '--name', SERVICE, '--network', NETWORK, '-v', `${join(dir, 'service.conf')}:/etc/service.conf:ro`, IMAGE,
      'nginx', '-e', 'stderr', '-c', '/etc/service.conf', '-g', 'daemon off;');
    let answer: HttpsAnswer | undefined;
    // The proxy keeps a failed lookup for its resolver's valid= time (10 s).
    await waitUntil(async () => (answer = await send(USER)).status === 200, { timeoutMs: 30_000, intervalMs: 1_000, what: `${SERVICE} through the proxy`, describe: () => docker('logs', '--tail', '20', PROXY) });
    expect(answer?.body).toBe(`auth=[] proto=https host=127.0.0.1:${port} uri=/subjects?deleted=true`);
  });

  it('asks for a login without credentials', async () => {
    const answer = await send();
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Basic realm="streaming-analytics-lab"');
    expect((await send({ name: USER.name, password: 'wrong' })).status).toBe(401);
  });

  it('runs its master as root and its worker as nobody, and logs requests on the container output', () => {
    const owners = docker('exec', PROXY, 'bash', '-c', 'for p in /proc/[0-9]*; do [[ $(cat $p/comm 2>/dev/null) == nginx ]] && stat -c %U $p; done | sort | uniq -c');
    expect(owners.split('\n').map((line) => line.trim().split(/\s+/).reverse().join(' '))).toEqual(['nobody 1', 'root 1']);
    expect(docker('logs', PROXY)).toMatch(/user=lab-admin port=8443 "GET \/subjects" 200 /);
  });

  it('stops on docker stop (SIGQUIT) at once, with exit code 0', () => {
    const started = Date.now();
    docker('stop', '-t', '20', PROXY);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(docker('inspect', '--format', '{{.State.ExitCode}}', PROXY)).toBe('0');
  });
});
