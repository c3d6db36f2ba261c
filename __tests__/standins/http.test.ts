import { MAX_RECORDED_BODY, STANDIN_HEADER, StandinServer, type StandinAnswer, type StandinHandler, type StandinRequest } from '../../standins/http';

/** A handler whose answer each test chooses. */
class Scripted implements StandinHandler {
  readonly service = 'scripted';
  next: (req: StandinRequest) => StandinAnswer = () => ({ status: 200, body: { ok: true } });
  handle(req: StandinRequest): StandinAnswer {
    return this.next(req);
  }
  state(): unknown {
    return { items: 3 };
  }
}

describe('StandinServer', () => {
  let handler: Scripted;
  let server: StandinServer;
  let url: string;
  beforeEach(async () => {
    handler = new Scripted();
    server = new StandinServer(handler);
    url = await server.startLoopback();
  });
  afterEach(() => server.stop());

  it('marks every answer with X-Lab-Standin, its own API and errors included', async () => {
    for (const path of ['/anything', '/__standin/requests', '/__standin/state', '/__standin/nothing']) {
      const res = await fetch(`${url}${path}`);
      expect(res.headers.get(STANDIN_HEADER)).toBe('scripted');
    }
  });

  it('records every request in order with its parsed body and status, and not its own API calls', async () => {
    handler.next = (req) => ({ status: req.method === 'POST' ? 201 : 404, body: 'text answer' });
    await fetch(`${url}/a?x=1`);
    await fetch(`${url}/b`, { method: 'POST', body: JSON.stringify({ ksql: 'SHOW STREAMS;' }) });
    await fetch(`${url}/c`, { method: 'PUT', body: '{"index":{}}\n{"a":1}\n' });
    const log = (await (await fetch(`${url}/__standin/requests`)).json()) as { service: string; dropped: number; requests: Array<Record<string, unknown>> };
    expect(log.service).toBe('scripted');
    expect(log.dropped).toBe(0);
    expect(log.requests.map((r) => [r.seq, r.method, r.path, r.status])).toEqual([
      [1, 'GET', '/a?x=1', 404],
      [2, 'POST', '/b', 201],
      [3, 'PUT', '/c', 404],
    ]);
    expect(log.requests[1].body).toEqual({ ksql: 'SHOW STREAMS;' });
    expect(log.requests[2].body).toBe('{"index":{}}\n{"a":1}\n');
    const later = (await (await fetch(`${url}/__standin/requests?since=1&path=/c`)).json()) as { requests: Array<{ path: string }> };
    expect(later.requests.map((r) => r.path)).toEqual(['/c']);
  });

  it("serves the handler's state", async () => {
    expect(await (await fetch(`${url}/__standin/state`)).json()).toEqual({ service: 'scripted', state: { items: 3 } });
  });

  it('cuts a recorded body above the limit and says how long it was', async () => {
    const big = 'x'.repeat(MAX_RECORDED_BODY + 10);
    await fetch(`${url}/big`, { method: 'POST', body: big });
    expect(server.requests[0].bodyBytes).toBe(big.length);
    expect((server.requests[0].body as string).length).toBe(MAX_RECORDED_BODY);
  });

  it("closes the connection when the handler says 'close', and records it with status 0", async () => {
    handler.next = () => 'close';
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(server.requests[0].status).toBe(0);
  });

  it('answers 500 naming the service and request when the handler throws', async () => {
    handler.next = () => {
      throw new Error('boom');
    };
    const res = await fetch(`${url}/x`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toBe('scripted stand-in failed on POST /x: boom');
  });

  it('sends no body to HEAD', async () => {
    const res = await fetch(`${url}/x`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('names the port and the fix when the port is taken', async () => {
    const port = Number(new URL(url).port);
    const other = new StandinServer(new Scripted());
    await expect(other.listen([{ name: 'controller', port }], '127.0.0.1')).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port} for controller (EADDRINUSE): another process holds the port; stop it or choose another`,
    );
    await other.stop();
  });
});
