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

/**
 * What became of the messages of a failed send. 'not-written': the destination refused them (or
 * they never left). 'unknown': they were sent and no answer came (a frozen or killed broker, a
 * timeout), so they may still be written: re-sending them could duplicate them.
 */
export type SendFate = 'not-written' | 'unknown';

/** The messages of a send could not be confirmed; says where to, why, and what became of them. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly undelivered: number,
    options?: { cause?: unknown; fate?: SendFate },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
    this.fate = options?.fate ?? 'not-written';
  }

  readonly fate: SendFate;
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
