/**
 * The smallest memory limit each container can run in, with the reason given in the error when
 * a smaller one is configured. A limit below these used to be accepted and gave, for example, a
 * Kafka heap equal to its whole 64 MiB limit.
 */
import { HEAP_FRACTION, MIN_HEAP_MB, minLimitForHeapRule, type JvmService } from '../lib/jvm-heap';
import type { ServiceName } from './types';

export interface MemoryMinimum {
  readonly mb: number;
  /** Why, for the message: completes "at least <mb> MiB: ...". */
  readonly why: string;
}

/** The general floor for a service without a known larger need. */
const GENERAL_MIN_MB = 64;

function jvmMinimum(service: JvmService): MemoryMinimum {
  const fraction = HEAP_FRACTION[service];
  const mb = minLimitForHeapRule(fraction);
  return {
    mb,
    why: `its JVM heap is ${Math.round(fraction * 100)}% of the limit and at least ${MIN_HEAP_MB} MiB (lib/jvm-heap.ts), so below ${mb} the heap would leave the JVM less than ${Math.round((1 - fraction) * 100)}% of the limit outside it`,
  };
}

export const MEMORY_MINIMUMS: Readonly<Record<ServiceName, MemoryMinimum>> = {
  kafka: jvmMinimum('kafka'),
  schemaRegistry: jvmMinimum('schemaRegistry'),
  ksqldb: jvmMinimum('ksqldb'),
  connect: jvmMinimum('connect'),
  elasticsearch: jvmMinimum('elasticsearch'),
  pinot: jvmMinimum('pinot'),
  kafkaUi: jvmMinimum('kafkaUi'),
  // The default's reason (config/defaults.ts): with less Kibana is killed while it optimizes its bundles.
  kibana: { mb: 1024, why: 'Elastic runs Kibana 8 with about 1 GiB; with less it restarts in a loop while it optimizes its bundles at start' },
  mariadb: { mb: 128, why: 'the InnoDB buffer pool alone is 64 MiB (platform/mariadb.ts), and the server needs room besides it' },
  // The generators container runs every dataset in one process; one dataset alone peaked at 108 MiB.
  generator: { mb: 128, why: 'the generators process peaked at 121 MiB with every dataset at the stack\'s rates and the 64 MiB heap cap of a 128 MiB limit, and at 108 MiB with the payments dataset alone (BENCHMARKS.md, "Generator memory")' },
  grafana: { mb: GENERAL_MIN_MB, why: 'the general floor' },
  proxy: { mb: 32, why: 'nginx with one worker needs a few MiB, and TLS handshakes and proxy buffers need room besides' },
  paymentsApi: { mb: GENERAL_MIN_MB, why: 'the general floor' },
};
