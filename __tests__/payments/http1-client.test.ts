/**
 * The load tool's HTTP/1.1 client: the answer parser on bytes cut at every position, and the
 * connection against real servers on 127.0.0.1 (node:http, and raw sockets for what node:http
 * never sends: answers split at odd places, 100 Continue, HTTP/1.0, bytes nobody asked for).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { answerAtClose, Http1Connection, Http1Error, parseAnswer } from '../../payments/http1-client';

const text = (bytes: string): Buffer => Buffer.from(bytes, 'latin1');

describe('parseAnswer', () => {
  const lengthAnswer = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{"id":"p1"}';
  const chunkedAnswer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"id\r\n7;ext=1\r\n":"p1"}\r\n0\r\nX-Trailer: y\r\n\r\n';

  it('reads a Content-Length answer and a chunked one (extensions and trailers skipped), and nothing before the last byte', () => {
    for (const whole of [lengthAnswer, chunkedAnswer]) {
      for (let cut = 0; cut < whole.length; cut++) expect(parseAnswer(text(whole.slice(0, cut))).done).toBe(false);
      const parsed = parseAnswer(text(whole));
      expect(parsed.done && parsed.answer.body.toString()).toBe('{"id":"p1"}');
      expect(parsed.done && parsed.rest.length).toBe(0);
    }
    const parsed = parseAnswer(text(lengthAnswer));
    expect(parsed).toMatchObject({ done: true, close: false, answer: { status: 201 } });
  });

  it('says when the server closes after the answer: Connection: close, or HTTP/1.0 without keep-alive', () => {
    const close = parseAnswer(text('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'));
    expect(close).toMatchObject({ done: true, close: true, answer: { status: 503 } });
    expect(parseAnswer(text('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ done: true, close: true });
    expect(parseAnswer(text('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ done: true, close: false });
  });

  it('skips 100 Continue before the answer', () => {
    const parsed = parseAnswer(text('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
    expect(parsed).toMatchObject({ done: true, answer: { status: 200 } });
  });

  it('leaves bytes past the answer in rest, and an answer without length to the close', () => {
    const parsed = parseAnswer(text('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP'));
    expect(parsed.done && parsed.rest.toString()).toBe('HTTP');
    const untilClose = text('HTTP/1.1 200 OK\r\n\r\nall of it');
    expect(parseAnswer(untilClose).done).toBe(false);
    expect(answerAtClose(untilClose)?.body.toString()).toBe('all of it');
    expect(answerAtClose(text(lengthAnswer.slice(0, -2)))).toBeUndefined();
  });

  it('refuses what is not HTTP/1.x, naming the problem', () => {
    expect(() => parseAnswer(text('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(Http1Error);
    expect(() => parseAnswer(text('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/does not start with an HTTP\/1.x status line/);
    expect(() => parseAnswer(text('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'))).toThrow(/bad chunk size 'zz'/);
    expect(() => parseAnswer(Buffer.alloc(70_000, 0x41))).toThrow(/headers are longer than 65536 bytes/);
  });
});

describe('Http1Connection against servers on 127.0.0.1', () => {
  // Closed after each test, passed or failed: a server left listening would keep Jest from exiting.
  const servers: (HttpServer | NetServer)[] = [];
  const sockets = new Set<Socket>();
  const connections: Http1Connection[] = [];
  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.close();
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const listen = async <S extends HttpServer | NetServer>(server: S): Promise<{ server: S; port: number }> => {
    servers.push(server);
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port };
  };
  const connectTo = (port: number): Http1Connection => {
    const connection = new Http1Connection('127.0.0.1', port);
    connections.push(connection);
    return connection;
  };
  const request = (body: string): string => `POST /x HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it('keeps one connection for many requests to node:http, echoing UTF-8 bodies, chunked or not', async () => {
    const ports = new Set<number>();
    const { port } = await listen(
      createHttpServer((req, res) => {
        ports.add(req.socket.remotePort ?? 0);
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const echoed = Buffer.concat(chunks);
          // Bodies of even length go back with Content-Length; odd ones in two writes without a
          // length, which node:http sends chunked.
          if (echoed.length % 2 === 0) {
            res.writeHead(200, { 'content-length': echoed.length, 'x-framing': 'length' });
            res.end(echoed);
          } else {
            res.writeHead(200, { 'x-framing': 'chunked' });
            res.write(echoed.subarray(0, 1));
            res.end(echoed.subarray(1));
          }
        });
      }),
    );
    const connection = connectTo(port);
    // Byte lengths 18 (with ü), 2, 13 (with the 4-byte bank emoji) and 100,001: two of each framing.
    for (const body of ['{"bank":"Zürich"}', '{}', '{"a":"🏦."}', 'x'.repeat(100_001)]) {
      const answer = await connection.exchange(request(body));
      expect(answer).toMatchObject({ status: 200 });
      expect(answer.body.toString('utf8')).toBe(body);
    }
    expect(ports.size).toBe(1);
  });

  it('opens a new connection after Connection: close, and after the server dropped an idle one', async () => {
    let served = 0;
    const { server, port } = await listen(
      createHttpServer((req, res) => {
        served++;
        req.resume();
        res.writeHead(200, { 'content-length': 2, ...(served === 1 ? { connection: 'close' } : {}) });
        res.end('ok');
      }),
    );
    server.keepAliveTimeout = 50;
    const connection = connectTo(port);
    expect((await connection.exchange(request('{}'))).status).toBe(200);
    expect((await connection.exchange(request('{}'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await connection.exchange(request('{}'))).status).toBe(200);
    expect(served).toBe(3);
  });

  it('reads answers split at odd places and HTTP/1.0 to the close; refuses bytes nobody asked for', async () => {
    let mode: 'split' | 'until-close' | 'extra' = 'split';
    const { port } = await listen(
      createNetServer((socket) => {
        socket.once('data', () => {
          if (mode === 'split') {
            const whole = 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello';
            let at = 0;
            const drip = setInterval(() => {
              socket.write(whole.slice(at, at + 7));
              at += 7;
              if (at >= whole.length) clearInterval(drip);
            }, 2);
          } else if (mode === 'until-close') socket.end('HTTP/1.0 200 OK\r\n\r\nto the end');
          else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n');
        });
      }),
    );
    const connection = connectTo(port);
    expect((await connection.exchange(request('{}'))).body.toString()).toBe('hello');
    mode = 'until-close';
    connection.close();
    expect((await connection.exchange(request('{}'))).body.toString()).toBe('to the end');
    mode = 'extra';
    await expect(connection.exchange(request('{}'))).rejects.toMatchObject({ code: 'HPE_UNEXPECTED_DATA' });
  });

  it('fails a request left unanswered once expire() finds it overdue, and one whose server hung up mid-answer', async () => {
    let hangUp = false;
    const { port } = await listen(
      createNetServer((socket) => {
        socket.once('data', () => {
          if (hangUp) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf');
        });
      }),
    );
    const connection = connectTo(port);
    const silent = connection.exchange(request('{}'));
    connection.expire(performance.now(), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    connection.expire(performance.now(), 20);
    await expect(silent).rejects.toMatchObject({ code: 'timeout after 20 ms' });
    hangUp = true;
    await expect(connection.exchange(request('{}'))).rejects.toMatchObject({ code: 'ECONNRESET', message: expect.stringContaining('before its answer was complete') });
  });

  it('one request at a time: a second one while the first waits is refused', async () => {
    const { port } = await listen(createNetServer(() => undefined));
    const connection = connectTo(port);
    const first = connection.exchange(request('{}'));
    await expect(connection.exchange(request('{}'))).rejects.toMatchObject({ code: 'EBUSY' });
    connection.close();
    await expect(first).rejects.toMatchObject({ code: 'ECLOSED' });
    await expect(first).rejects.toBeInstanceOf(Http1Error);
  });
});
