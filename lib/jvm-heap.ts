/**
 * The JVM heap rule of the lab's Java services: a fixed fraction of the container's memory limit.
 * The rest of the limit is left to metaspace, thread stacks, direct buffers and (for ksqlDB and
 * Kafka) RocksDB and the page cache, so the fraction stays at or below 60%. Here, below both the
 * constructs that apply it (platform/) and the configuration that must refuse limits it cannot
 * keep (config/memory-minimums.ts).
 */

/** The smallest heap the rule gives, whatever the limit. */
export const MIN_HEAP_MB = 64;

/** Heap share of each Java service's limit. */
export const HEAP_FRACTION = {
  kafka: 0.5,
  schemaRegistry: 0.5,
  // ksqlDB and Pinot keep more on the heap (query state, segments) and less in native memory.
  ksqldb: 0.55,
  connect: 0.5,
  elasticsearch: 0.5,
  pinot: 0.6,
  kafkaUi: 0.5,
} as const;
export type JvmService = keyof typeof HEAP_FRACTION;

/** Heap in MiB (a multiple of 16) for a memory limit; never below MIN_HEAP_MB. */
export function heapMb(memoryMb: number, fraction: number): number {
  return Math.max(MIN_HEAP_MB, Math.floor((memoryMb * fraction) / 16) * 16);
}

/**
 * The smallest limit at which the heap is still at most `fraction` of it: below, the MIN_HEAP_MB
 * floor would take more (at 64 MiB the whole limit), leaving the JVM no room outside the heap.
 */
export function minLimitForHeapRule(fraction: number): number {
  return Math.ceil(MIN_HEAP_MB / fraction);
}
