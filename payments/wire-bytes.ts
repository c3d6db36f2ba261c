/**
 * Counts the bytes a Kafka client wrote to its broker connections, through kafkajs' socketFactory.
 * kafkajs' error after a failed send names only the last attempt: ECONNREFUSED on a retry does not
 * say whether an earlier attempt sent the batch before the broker died. Bytes tell: if no byte left
 * this process during the send, no produce request reached any broker and the batch is certainly
 * not written.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** kafkajs' own keep-alive delay for its sockets. */
const KEEP_ALIVE_DELAY_MS = 60_000;

export class WireBytes {
  private readonly open = new Set<Socket>();
  /** Bytes written by sockets already closed. */
  private closedTotal = 0;

  /** Opens connections as kafkajs' default factory does, and keeps count of what they write. */
  readonly socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      this.closedTotal += socket.bytesWritten;
    });
    return socket;
  };

  /** Every byte written so far, by open and closed connections (a send compares two readings). */
  total(): number {
    let total = this.closedTotal;
    for (const socket of this.open) total += socket.bytesWritten;
    return total;
  }
}
