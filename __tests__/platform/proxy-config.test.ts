/**
 * platform/proxy-config.ts: the nginx.conf of the authenticating proxy, read back block by block;
 * its users file; its health check and command. integration/proxy/ runs the same config with the
 * real nginx.
 */
import {
  nginxUsersFile,
  PROXY_CERT_FILE,
  PROXY_COMMAND,
  PROXY_CONFIG_FILE,
  PROXY_HEALTH_PATH,
  PROXY_KEY_FILE,
  PROXY_USERS_FILE,
  proxyHealthCheck,
  type NginxConfigOptions,
  type ProxyRoute,
  renderNginxConfig,
} from '../../platform/proxy-config';
import { PROXY_UPSTREAM_GONE_HEADER } from '../../ops/service-gone';

const ROUTES: readonly ProxyRoute[] = [
  { name: 'ksqldb', listenPort: 8088, upstream: 'http://ksqldb:8088' },
  { name: 'grafana', listenPort: 3000, upstream: 'http://grafana:3000' },
  { name: 'kafka-ui', listenPort: 8080, upstream: 'http://kafka-ui:8080' },
];

const OPTIONS: NginxConfigOptions = {
  routes: ROUTES,
  certFile: PROXY_CERT_FILE,
  keyFile: PROXY_KEY_FILE,
  usersFile: PROXY_USERS_FILE,
  healthPort: 8999,
  resolver: '127.0.0.11',
};

/** The text of every `server { ... }` block, found by counting braces (the config quotes none). */
function serverBlocks(config: string): string[] {
  const blocks: string[] = [];
  const pattern = /^\s*server \{$/gm;
  for (let match = pattern.exec(config); match !== null; match = pattern.exec(config)) {
    let depth = 0;
    let end = match.index + match[0].length - 1;
    for (; end < config.length; end++) {
      if (config[end] === '{') depth++;
      if (config[end] === '}' && --depth === 0) break;
    }
    blocks.push(config.slice(match.index, end + 1));
  }
  return blocks;
}

/** The directives of a block (or the whole file), one trimmed line each. */
const lines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));

/** The http block's own directives: those before its first server block. */
function httpPreamble(config: string): string[] {
  const http = config.slice(config.indexOf('http {'));
  return lines(http.slice(0, http.search(/^\s*(# .*\n\s*)?server \{$/m)));
}

const routeBlock = (config: string, port: number): string => {
  const found = serverBlocks(config).filter((block) => block.includes(`listen ${port} ssl;`));
  expect(found).toHaveLength(1);
  return found[0];
};

describe('renderNginxConfig', () => {
  const config = renderNginxConfig(OPTIONS);

  it('renders one TLS server per route and one plain health server', () => {
    const blocks = serverBlocks(config);
    expect(blocks).toHaveLength(ROUTES.length + 1);
    expect(blocks.filter((block) => / ssl;$/m.test(block))).toHaveLength(ROUTES.length);
    expect(blocks.filter((block) => block.includes('listen 127.0.0.1:8999;'))).toHaveLength(1);
  });

  it.each(ROUTES)('route $name: TLS, basic auth from the users file, no Authorization header upstream, proxied to $upstream', (route) => {
    const block = lines(routeBlock(config, route.listenPort));
    expect(block).toEqual(expect.arrayContaining([
      `listen ${route.listenPort} ssl;`,
      `ssl_certificate ${PROXY_CERT_FILE};`,
      `ssl_certificate_key ${PROXY_KEY_FILE};`,
      `auth_basic_user_file ${PROXY_USERS_FILE};`,
      'proxy_set_header Authorization "";',
      'proxy_set_header Host $http_host;',
      'proxy_set_header X-Forwarded-Proto https;',
      'proxy_set_header Upgrade $http_upgrade;',
      'proxy_set_header Connection $connection_upgrade;',
      `set $lab_upstream ${route.upstream};`,
      'proxy_pass $lab_upstream;',
    ]));
    expect(block.filter((line) => /^auth_basic "[^"]+";$/.test(line))).toHaveLength(1);
    // A plain listen on the same server would accept the password in clear text.
    expect(block.filter((line) => line.startsWith('listen '))).toEqual([`listen ${route.listenPort} ssl;`]);
  });

  it('has no login on the health server, which listens on loopback in plain http and answers 200', () => {
    const health = serverBlocks(config).find((block) => block.includes('listen 127.0.0.1:8999;')) ?? '';
    expect(health).not.toMatch(/auth_basic|ssl/);
    expect(health).toContain(`location = ${PROXY_HEALTH_PATH} {`);
    expect(health).toMatch(/return 200 "ok";/);
    // ...and auth is not switched on at the http level, where the health server would inherit it.
    expect(httpPreamble(config).filter((line) => line.startsWith('auth_basic'))).toEqual([]);
  });

  it('sets the process-wide settings for a foreground nginx in a container', () => {
    const top = lines(config.slice(0, config.indexOf('events {')));
    expect(top).toEqual(expect.arrayContaining(['worker_processes 1;', 'pid /tmp/nginx.pid;', 'error_log stderr warn;']));
    // -g 'daemon off;' fails on a config that also says daemon.
    expect(config).not.toMatch(/^\s*daemon /m);
    const http = httpPreamble(config);
    expect(http).toEqual(expect.arrayContaining([
      'ssl_protocols TLSv1.2 TLSv1.3;',
      'proxy_http_version 1.1;',
      'proxy_buffering off;',
      'client_max_body_size 50m;',
      'absolute_redirect off;',
      'resolver 127.0.0.11 valid=10s ipv6=off;',
    ]));
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      expect(http).toContainEqual(expect.stringMatching(new RegExp(`^${temp}_temp_path /tmp/nginx-`)));
    }
    expect(http.find((line) => line.startsWith('proxy_read_timeout'))).toBe('proxy_read_timeout 3600s;');
    expect(config).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*'' close;\s*\}/);
  });

  it('holds nothing Terraform would read as interpolation or a template directive', () => {
    expect(config).not.toMatch(/[$%]\{/);
  });

  it('writes no resolver line when none is given (IP-address upstreams)', () => {
    const local = renderNginxConfig({ ...OPTIONS, resolver: undefined, routes: [{ name: 'echo', listenPort: 9443, upstream: 'http://127.0.0.1:9080' }] });
    expect(local).not.toMatch(/resolver/);
    expect(local).toContain('set $lab_upstream http://127.0.0.1:9080;');
  });

  it('listens on the given address and puts pid and temp files under the given directory', () => {
    const local = renderNginxConfig({ ...OPTIONS, listenAddress: '127.0.0.1', runDir: '/tmp/lab-proxy-test' });
    expect(lines(local).filter((line) => line.startsWith('listen ') && line.endsWith(' ssl;')).sort()).toEqual(
      ['listen 127.0.0.1:3000 ssl;', 'listen 127.0.0.1:8080 ssl;', 'listen 127.0.0.1:8088 ssl;'],
    );
    expect(local).toContain('pid /tmp/lab-proxy-test/nginx.pid;');
    expect(local).toContain('proxy_temp_path /tmp/lab-proxy-test/nginx-proxy;');
  });

  describe('refuses', () => {
    const render = (change: Partial<NginxConfigOptions>): (() => string) => () => renderNginxConfig({ ...OPTIONS, ...change });

    it('two routes on one port, naming both', () => {
      const routes = [...ROUTES, { name: 'kibana', listenPort: 3000, upstream: 'http://kibana:5601' }];
      expect(render({ routes })).toThrow("port 3000 is taken by route 'grafana' and route 'kibana'");
    });

    it('a route on the health port', () => {
      expect(render({ healthPort: 8080 })).toThrow("port 8080 is taken by route 'kafka-ui' and the health server");
    });

    it('a route name used twice', () => {
      expect(render({ routes: [...ROUTES, { name: 'ksqldb', listenPort: 18088, upstream: 'http://ksqldb:8088' }] })).toThrow("route name 'ksqldb' is used twice");
    });

    it.each([
      ['a path', 'http://ksqldb:8088/api'],
      ['no port', 'http://ksqldb'],
      ['https', 'https://ksqldb:8088'],
      ['a port above 65535', 'http://ksqldb:80880'],
      ['no scheme', 'ksqldb:8088'],
      ['user info', 'http://u@ksqldb:8088'],
    ])('an upstream with %s, naming the route', (_what, upstream) => {
      expect(render({ routes: [{ name: 'ksqldb', listenPort: 8088, upstream }] })).toThrow(`route 'ksqldb': upstream '${upstream}'`);
    });

    it('an upstream host name without a resolver', () => {
      expect(render({ resolver: undefined })).toThrow("route 'ksqldb': upstream host 'ksqldb' is a name");
    });

    it('a port that is no TCP port', () => {
      expect(render({ routes: [{ name: 'pinot', listenPort: 0, upstream: 'http://pinot:9000' }] })).toThrow("route 'pinot': listenPort 0 is not a TCP port");
    });

    it('paths that would break the config, a resolver that is no address, no routes', () => {
      expect(render({ usersFile: '/etc/lab proxy/users' })).toThrow("usersFile '/etc/lab proxy/users' must be an absolute path");
      expect(render({ certFile: 'tls/server.pem;' })).toThrow('certFile');
      expect(render({ resolver: 'dns.local' })).toThrow("resolver 'dns.local' must be an IPv4 address");
      expect(render({ routes: [] })).toThrow('no routes');
    });

    it('every problem at once', () => {
      expect(render({ healthPort: 70000, resolver: 'x', routes: [{ name: '1st', listenPort: 8088, upstream: 'http://a/b' }] })).toThrow('(4 problems)');
    });
  });
});

describe('nginxUsersFile', () => {
  it('writes one {PLAIN} line per user, passwords as given (Terraform references too)', () => {
    expect(nginxUsersFile([
      { name: 'admin', password: '${random_password.proxy_admin.result}' },
      { name: 'ops', password: 'a b#c{d}$e' },
    ])).toBe('admin:{PLAIN}${random_password.proxy_admin.result}\nops:{PLAIN}a b#c{d}$e\n');
  });

  it.each([
    ['a colon', 'ad:min'],
    ['a line break', 'ad\nmin'],
    ['a leading #', '#admin'],
    ['nothing', ''],
  ])('refuses a user name with %s', (_what, name) => {
    expect(() => nginxUsersFile([{ name, password: 'secret' }])).toThrow(`user 1 '${name}': a user name must be non-empty, without ':'`);
  });

  it('refuses a password with a line break or a colon, an empty one, a name given twice, and no users', () => {
    expect(() => nginxUsersFile([{ name: 'a', password: 'x\ny' }])).toThrow("user 1 'a': the password holds ':' or a line break");
    expect(() => nginxUsersFile([{ name: 'a', password: 'x:y' }])).toThrow("user 1 'a': the password holds ':' or a line break");
    expect(() => nginxUsersFile([{ name: 'a', password: '' }])).toThrow("user 1 'a': the password is empty");
    expect(() => nginxUsersFile([{ name: 'a', password: 'x' }, { name: 'a', password: 'y' }])).toThrow("user 2 'a': the name is given twice");
    expect(() => nginxUsersFile([])).toThrow('no users');
  });
});

describe('proxyHealthCheck and the command', () => {
  it('is an exec-form bash check of GET /healthz on the health port over /dev/tcp', () => {
    const check = proxyHealthCheck(8999);
    expect(check.slice(0, 3)).toEqual(['CMD', 'bash', '-c']);
    expect(check[3]).toContain('/dev/tcp/127.0.0.1/8999');
    expect(check[3]).toContain(`GET ${PROXY_HEALTH_PATH} HTTP/1.1`);
    expect(check[3]).not.toMatch(/[$%]\{/);
  });

  it('runs nginx in the foreground on the config file', () => {
    expect(PROXY_COMMAND).toEqual(['nginx', '-e', 'stderr', '-c', PROXY_CONFIG_FILE, '-g', 'daemon off;']);
    expect(PROXY_CONFIG_FILE).toBe('/etc/lab-proxy/nginx.conf');
  });
});

describe('the lab-specific parts of a route', () => {
  const config = renderNginxConfig({ ...OPTIONS, routes: ROUTES.map((r) => (r.name === 'grafana' ? { ...r, passAuthorization: true } : r)) });

  it('hands the Authorization header on only to a route that asks for it (Grafana, whose admin is the person)', () => {
    expect(lines(routeBlock(config, 3000))).not.toContain('proxy_set_header Authorization "";');
    for (const port of [8088, 8080]) expect(lines(routeBlock(config, port))).toContain('proxy_set_header Authorization "";');
  });

  it('marks its own 502 (no service behind the route) with the header the destroy-time appliers look for', () => {
    const block = lines(routeBlock(config, 8088));
    expect(block).toContain('error_page 502 = @upstream_gone;');
    expect(block).toContain(`add_header ${PROXY_UPSTREAM_GONE_HEADER} 1 always;`);
  });
});
