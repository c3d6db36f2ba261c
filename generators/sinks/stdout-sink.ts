import type { Writable } from 'node:stream';
import type { OutMessage } from '../runtime/message';
import type { Sink } from './sink';

/** JSON lines (the record values) to a stream, honouring backpressure. Touches no Kafka. */
export class StdoutSink implements Sink {
  constructor(private readonly out: Writable = process.stdout) {}

  async open(): Promise<void> {}

  async send(messages: readonly OutMessage[]): Promise<void> {
    const chunk = messages.map((message) => `${message.value}\n`).join('');
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  async close(): Promise<void> {}
}
