/**
 * Whether a failed send says "not written" or "may be written": decided by the bytes the client
 * wrote to its broker connections during the send (payments/wire-bytes.ts), since kafkajs' error
 * names only its last attempt. The kafkajs producer is a stub whose sendBatch opens connections
 * through the same socketFactory the real one uses; integration/payments runs the real broker.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Kafka } from 'kafkajs';
import { KafkaBatchSender, KafkaUnavailableError } from '../../payments/kafka-sender';
import { WireBytes } from '../../payments/wire-bytes';
import { closedPortUrl } from '../support/closed-port';

/** A kafkajs client whose producer connects at once and sends with `sendBatch`. */
function stubKafka(sendBatch: () => Promise<unknown>): Kafka {
  const producer = { events: { DISCONNECT: 'producer.disconnect' }, on: () => undefined, connect: async () => undefined, disconnect: async () => undefined, sendBatch };
  const admin = { connect: async () => undefined, describeCluster: async () => ({}), disconnect: async () => undefined };
  return { producer: () => producer, admin: () => admin } as unknown as Kafka;
}

/** Opens a connection through the factory as kafkajs does, and resolves when it ends. */
function connectThrough(wire: WireBytes, port: number, payload?: string): Promise<void> {
  return new Promise((resolve) => {
    // kafkajs passes no ssl options for a plaintext listener (its type says otherwise).
    const socket: Socket = wire.socketFactory({ host: '127.0.0.1', port, ssl: undefined as unknown as ConnectionOptions, onConnect: () => (payload === undefined ? socket.end() : socket.write(payload)) });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

async function failedSend(sendBatch: () => Promise<unknown>, wire: WireBytes): Promise<KafkaUnavailableError> {
  const sender = new KafkaBatchSender(stubKafka(sendBatch), ['127.0.0.1:9092'], { wire, reconnectMs: 60_000, log: () => undefined });
  await sender.start();
  try {
    await sender.sendBatch(new Map([['payment_json', [{ key: 'k', value: Buffer.from('v'), timestamp: 1 }]]]));
  } catch (error) {
    if (error instanceof KafkaUnavailableError) return error;
    throw error;
  } finally {
    await sender.stop();
  }
  throw new Error('expected the send to fail');
}

describe('a send that fails', () => {
  it('with every connection refused (the broker was killed): written false, the answer says it was not written', async () => {
    const port = Number(new URL(await closedPortUrl()).port);
    const wire = new WireBytes();
    const error = await failedSend(async () => {
      for (let attempt = 0; attempt < 3; attempt++) await connectThrough(wire, port);
      throw new Error(`Connection error: connect ECONNREFUSED 127.0.0.1:${port}`);
    }, wire);
    expect(error.written).toBe(false);
    expect(error.message).toContain('nothing was sent');
  });

  describe('after bytes reached a broker that then went away', () => {
    let server: Server;
    beforeEach(async () => {
      // Reads the request, then dies without answering, as a broker killed mid-request.
      server = createServer((socket) => socket.once('data', () => socket.destroy()));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('written "unknown", even when the last attempt was refused', async () => {
      const { port } = server.address() as { port: number };
      const closed = Number(new URL(await closedPortUrl()).port);
      const wire = new WireBytes();
      const error = await failedSend(async () => {
        await connectThrough(wire, port, 'a produce request');
        await connectThrough(wire, closed);
        throw new Error(`Connection error: connect ECONNREFUSED 127.0.0.1:${closed}`);
      }, wire);
      expect(error.written).toBe('unknown');
    });
  });

  it('without a byte count: "unknown", as before', async () => {
    const sender = new KafkaBatchSender(stubKafka(() => Promise.reject(new Error('refused'))), ['127.0.0.1:9092'], { reconnectMs: 60_000, log: () => undefined });
    await sender.start();
    await expect(sender.sendBatch(new Map())).rejects.toMatchObject({ written: 'unknown' });
    await sender.stop();
  });
});
