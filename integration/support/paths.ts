import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/** Where scripts/setup-integration.sh leaves the services the integration tests run. */
export const KAFKA_LIBS = join(PROJECT_ROOT, '.cache', 'kafka', 'libs');
export const CONNECT_PLUGINS = join(PROJECT_ROOT, '.cache', 'connect-plugins');
export const KAFKA_CLASSPATH = `${KAFKA_LIBS}/*`;
const SETUP_SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-integration.sh');

const REQUIRED = [
  join(PROJECT_ROOT, '.cache', 'kafka', '.installed'),
  join(KAFKA_LIBS, 'kafka_2.13-3.9.1.jar'),
  join(CONNECT_PLUGINS, 'debezium-connector-mariadb', 'debezium-connector-mariadb-3.1.0.Final.jar'),
];

/** mariadbd and mariadb-install-db live in /usr/sbin and /usr/bin on Debian; PATH may lack /usr/sbin. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  return dirs
    .filter((dir) => isAbsolute(dir))
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));
}

export function integrationServicesInstalled(): boolean {
  return REQUIRED.every((file) => existsSync(file)) && findExecutable('mariadbd') !== undefined && findExecutable('nginx') !== undefined;
}

/**
 * Runs scripts/setup-integration.sh when anything it installs is missing. The first run fetches
 * about 110 jars from Maven Central and MariaDB and nginx from Debian; later calls find everything in place.
 */
export function ensureIntegrationServices(): void {
  if (integrationServicesInstalled()) return;
  const setup = spawnSync('bash', [SETUP_SCRIPT], { stdio: 'inherit' });
  if (setup.status !== 0 || !integrationServicesInstalled()) {
    throw new Error(
      `scripts/setup-integration.sh exited with ${setup.status ?? setup.signal}: the Kafka jars, the Debezium plugin, ` +
        'MariaDB or nginx are not installed (its output above names the step); fix that and re-run the script.',
    );
  }
}
