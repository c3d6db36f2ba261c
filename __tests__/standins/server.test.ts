import { STANDIN_HEADER, type StandinServer } from '../../standins/http';
import { main } from '../../standins/server';

describe('standins/server.ts', () => {
  let server: StandinServer | undefined;
  let log: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    log.mockRestore();
  });

  it('runs the service named by the argument on the ports given, and says it is a stand-in', async () => {
    server = await main(['grafana'], { LAB_STANDIN_PORTS: '0', LAB_STANDIN_VERSION: '9.9.9' });
    expect(log.mock.calls[0][0]).toMatch(/^grafana STAND-IN, not the real grafana: listening on http 127\.0\.0\.1:\d+/);
    const port = /127\.0\.0\.1:(\d+)/.exec(String(log.mock.calls[0][0]))![1];
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.headers.get(STANDIN_HEADER)).toBe('grafana');
    expect(await res.json()).toMatchObject({ version: '9.9.9' });
  });

  it("takes the service from LAB_STANDIN_SERVICE and ignores the replaced image's command", async () => {
    server = await main(['QuickStart', '-type', 'EMPTY'], { LAB_STANDIN_SERVICE: 'pinot', LAB_STANDIN_PORTS: '0,0' });
    expect(log.mock.calls[0][0]).toMatch(/listening on controller 127\.0\.0\.1:\d+, broker 127\.0\.0\.1:\d+; .*\(arguments ignored: QuickStart -type EMPTY\)$/);
  });

  it('names the valid services when given another', async () => {
    await expect(main(['ksql'], {})).rejects.toThrow("argument 'ksql' is not a stand-in service: use one of elasticsearch, kibana, grafana, pinot, kafka-ui");
    await expect(main([], { LAB_STANDIN_SERVICE: 'mariadb' })).rejects.toThrow("LAB_STANDIN_SERVICE='mariadb' is not a stand-in service");
  });

  it('refuses a port list that does not fit the listeners', async () => {
    await expect(main(['pinot'], { LAB_STANDIN_PORTS: '9000' })).rejects.toThrow("LAB_STANDIN_PORTS='9000' must be 2 port number(s), for controller, broker");
    await expect(main(['elasticsearch'], { LAB_STANDIN_PORTS: 'x' })).rejects.toThrow('must be 1 port number(s), for http');
  });
});
