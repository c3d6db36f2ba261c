/**
 * The broker's container health check: one Kafka ApiVersions request over bash's /dev/tcp.
 *
 * It replaces `kafka-broker-api-versions.sh`, which started a JVM every 10 s (80-150% of a core for
 * each check, several per cent of a core on an idle broker; BENCHMARKS.md, "Kafka health check").
 * The probe still proves what that tool proved: the listener accepts a connection and the broker's
 * request handler answers a Kafka request. It runs only bash builtins (no fork, no JVM), which
 * both the apache/kafka image and lab-local/kafka have.
 */

/** Kafka's ApiVersions API key; version 0 has the simplest request and a fixed response prefix. */
export const API_VERSIONS_KEY = 18;
export const API_VERSIONS_VERSION = 0;
/** ASCII "Lab1": any id will do, as long as it is not the bytes an echo server would send back at that offset (00 12 00 00). */
export const HEALTHCHECK_CORRELATION_ID = 0x4c616231;
export const HEALTHCHECK_CLIENT_ID = 'lab-healthcheck';

/**
 * An ApiVersions v0 request as it goes on the wire: int32 size of what follows, then the v1 request
 * header (int16 api_key, int16 api_version, int32 correlation_id, int16-length client_id); the v0
 * request body is empty.
 */
export function apiVersionsRequest(correlationId: number, clientId: string): Buffer {
  const client = Buffer.from(clientId, 'latin1');
  if (client.length > 0x7fff || /[^\x20-\x7e]/.test(clientId)) throw new Error(`client id '${clientId}' must be printable ASCII, at most 32767 bytes`);
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length);
  body.writeInt16BE(API_VERSIONS_KEY, 0);
  body.writeInt16BE(API_VERSIONS_VERSION, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(client.length, 8);
  client.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

export interface ApiVersionsProbeOptions {
  readonly host: string;
  readonly port: number;
  /** Seconds to wait for each byte of the answer. Docker's own health check timeout bounds the whole check. */
  readonly timeoutSeconds?: number;
}

const HOST = /^[A-Za-z0-9.:-]+$/;

/**
 * The bash script of the probe. Exit 0 when the answer carries our correlation id and error code
 * 0 (NONE); 1 when the connection is refused, the peer closes or stays silent, or answers anything
 * else. The first 10 bytes of an ApiVersions response are int32 size, int32 correlation_id (the
 * response header is v0 for every ApiVersions version) and the body's int16 error_code.
 */
export function apiVersionsProbeScript(options: ApiVersionsProbeOptions): string {
  const { host, port } = options;
  if (!HOST.test(host)) throw new Error(`host '${host}' is not a plain host name or address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} is not a TCP port`);
  const request = [...apiVersionsRequest(HEALTHCHECK_CORRELATION_ID, HEALTHCHECK_CLIENT_ID)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  // Bytes 4-9 of the answer as the script compares them: the correlation id, then error_code 0.
  const expected = Buffer.alloc(6);
  expected.writeInt32BE(HEALTHCHECK_CORRELATION_ID, 0);
  return [
    `exec 3<>/dev/tcp/${host}/${port} || exit 1`,
    `printf '${request}' >&3 || exit 1`,
    // Bytes, not characters; read -d '' -n 1 reads one byte, and a NUL byte (the delimiter) comes back as ''.
    // No "\${" anywhere: Terraform reads it as an interpolation in the synthesized JSON.
    'LC_ALL=C',
    's=',
    `for i in 0 1 2 3 4 5 6 7 8 9; do IFS= read -r -d '' -n 1 -t ${options.timeoutSeconds ?? 5} c <&3 || exit 1; printf -v v '%d' "'$c"; if ((i >= 4)); then s="$s $v"; fi; done`,
    `[[ "$s" == ' ${[...expected].join(' ')}' ]]`,
  ].join('\n');
}

/** Docker HEALTHCHECK test for a broker whose PLAINTEXT listener is on `port` inside the container. */
export function kafkaHealthCheck(port: number): string[] {
  return ['CMD', 'bash', '-c', apiVersionsProbeScript({ host: '127.0.0.1', port })];
}
