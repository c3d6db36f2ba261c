import { HEAP_FRACTION, heapMb, type JvmService } from '../lib/jvm-heap';

/** -Xms/-Xmx for a Java service's container limit, by the heap rule of lib/jvm-heap.ts. */
export function heapOpts(memoryMb: number, service: JvmService): string {
  const heap = heapMb(memoryMb, HEAP_FRACTION[service]);
  return `-Xms${heap}m -Xmx${heap}m`;
}
