import { ensureIntegrationServices } from './paths';

/** Jest globalSetup: install Kafka, the Debezium plugin and MariaDB once, before any suite, if missing. */
export default function globalSetup(): void {
  ensureIntegrationServices();
}
