/**
 * Starts the integration services by hand, for debugging a test or a generator against real ones:
 *   npm run services -- [kafka] [connect] [mariadb]     (default: all three; connect implies kafka)
 * Prints their endpoints and log files, then runs until Ctrl-C, which stops them cleanly.
 */
import { type LocalConnect, startConnect } from './connect';
import { type LocalKafka, startKafka } from './kafka';
import { type LocalMariaDb, startMariaDb } from './mariadb';

const KNOWN = ['kafka', 'connect', 'mariadb'] as const;
type ServiceName = (typeof KNOWN)[number];

function parseArgs(argv: readonly string[]): Set<ServiceName> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: npm run services -- [kafka] [connect] [mariadb]   (default: all; connect starts kafka too)');
    process.exit(0);
  }
  const unknown = argv.filter((arg) => !(KNOWN as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    console.error(`services: unknown service ${unknown.join(', ')}; choose from ${KNOWN.join(', ')}`);
    process.exit(2);
  }
  const wanted = new Set<ServiceName>(argv.length === 0 ? KNOWN : (argv as ServiceName[]));
  if (wanted.has('connect')) wanted.add('kafka');
  return wanted;
}

async function main(): Promise<void> {
  const wanted = parseArgs(process.argv.slice(2));
  const stops: (() => Promise<void>)[] = [];
  let kafka: LocalKafka | undefined;
  let mariadb: LocalMariaDb | undefined;
  let connect: LocalConnect | undefined;
  if (wanted.has('kafka')) {
    kafka = await startKafka();
    stops.unshift(() => kafka!.stop());
    console.log(`kafka    bootstrap ${kafka.bootstrap}   log ${kafka.logFile}`);
  }
  if (wanted.has('mariadb')) {
    mariadb = await startMariaDb();
    stops.unshift(() => mariadb!.stop());
    console.log(`mariadb  ${mariadb.url}   cdc user ${mariadb.cdcUser}/${mariadb.cdcPassword}   log ${mariadb.logFile}`);
  }
  if (wanted.has('connect') && kafka !== undefined) {
    // Connector configs can name the CDC password as ${env:MARIADB_CDC_PASSWORD}, as in the stack.
    connect = await startConnect(kafka, { env: mariadb ? { MARIADB_CDC_PASSWORD: mariadb.cdcPassword } : {} });
    stops.unshift(() => connect!.stop());
    console.log(`connect  ${connect.url}   log ${connect.logFile}`);
  }
  console.log('running; Ctrl-C stops them');
  const shutdown = async (): Promise<void> => {
    for (const stop of stops) await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
