import type { OutMessage } from '../runtime/message';

/**
 * Where a worker delivers messages. `send` resolves only once every message is acknowledged
 * (Kafka acks=all, a committed INSERT, an HTTP 2xx) and rejects with a DeliveryError otherwise.
 */
export interface Sink {
  open(): Promise<void>;
  send(messages: readonly OutMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** The messages of a send could not be delivered; says where to and why. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly undelivered: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Rejects with `onTimeout()` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
