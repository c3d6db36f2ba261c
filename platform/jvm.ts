/**
 * JVM heap for a container's memory limit. The rest of the limit is left to metaspace, thread
 * stacks, direct buffers and (for ksqlDB and Kafka) RocksDB and the page cache, so the fraction
 * stays at or below 60%.
 */
export function heapMb(memoryMb: number, fraction = 0.5): number {
  return Math.max(64, Math.floor((memoryMb * fraction) / 16) * 16);
}

export function heapOpts(memoryMb: number, fraction = 0.5): string {
  const heap = heapMb(memoryMb, fraction);
  return `-Xms${heap}m -Xmx${heap}m`;
}
