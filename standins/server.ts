/**
 * `node standins/server.js <service>`: runs one stand-in (elasticsearch, kibana, grafana, pinot,
 * kafka-ui) on the ports of the service it replaces.
 *
 * Environment: LAB_STANDIN_SERVICE (set in the images; then every argument is ignored, because the
 * stack passes the replaced image's own command, e.g. Pinot's `QuickStart -type EMPTY`),
 * LAB_STANDIN_VERSION (the version it reports), LAB_STANDIN_HOST (default 127.0.0.1; 0.0.0.0 in
 * the images), LAB_STANDIN_PORTS (comma-separated ports in listener order, to run beside the
 * real port on the host).
 */
import { StandinServer } from './http';
import { isStandinService, STANDIN_SERVICES, STANDINS } from './services';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<StandinServer> {
  const fromImage = env.LAB_STANDIN_SERVICE;
  const service = fromImage || argv[0];
  if (!isStandinService(service)) {
    const where = fromImage ? `LAB_STANDIN_SERVICE='${fromImage}'` : `argument '${service ?? ''}'`;
    throw new Error(`${where} is not a stand-in service: use one of ${STANDIN_SERVICES.join(', ')}`);
  }
  const definition = STANDINS[service];
  const ports = env.LAB_STANDIN_PORTS ? env.LAB_STANDIN_PORTS.split(',').map((p) => Number(p.trim())) : definition.listeners.map((l) => l.port);
  if (ports.length !== definition.listeners.length || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
    throw new Error(
      `LAB_STANDIN_PORTS='${env.LAB_STANDIN_PORTS}' must be ${definition.listeners.length} port number(s), for ${definition.listeners.map((l) => l.name).join(', ')}`,
    );
  }
  const host = env.LAB_STANDIN_HOST || '127.0.0.1';
  const server = new StandinServer(definition.create(env.LAB_STANDIN_VERSION || definition.defaultVersion, env));
  const bound = await server.listen(
    definition.listeners.map((l, i) => ({ name: l.name, port: ports[i] })),
    host,
  );
  const ignored = fromImage && argv.length > 0 ? ` (arguments ignored: ${argv.join(' ')})` : '';
  console.log(
    `${service} STAND-IN, not the real ${service}: listening on ${definition.listeners.map((l, i) => `${l.name} ${host}:${bound[i]}`).join(', ')}; ` +
      `every request is recorded (GET /__standin/requests)${ignored}`,
  );
  return server;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (server) => {
      // docker stop sends SIGTERM: close at once, nothing is kept that a restart would miss.
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void server.stop().then(() => process.exit(0)));
    },
    (e: unknown) => {
      console.error(`stand-in failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
