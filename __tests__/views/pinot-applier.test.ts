/** The Pinot table applier against the Pinot stand-in, which the rehearsal also runs. */
import { PinotApplier, validatePinotTableSpec, type PinotApplierOptions, type PinotTableSpec } from '../../ops/pinot/applier';
import { StandinServer, type StandinReply, type StandinRequest } from '../../standins/http';
import { PinotStandin } from '../../standins/pinot';
import { applyFailure } from '../support/ops-cli';

const FAST: Partial<PinotApplierOptions> = { healthTimeoutMs: 2_000, pollMs: 10, requestTimeoutMs: 1_000 };
const SPEC: PinotTableSpec = {
  schema: { schemaName: 'shop_income', metricFieldSpecs: [{ name: 'INCOME', dataType: 'DOUBLE' }] },
  tableConfig: { tableName: 'shop_income', tableType: 'REALTIME', segmentsConfig: { schemaName: 'shop_income', timeColumnName: 'WINDOW_START' } },
};

/** A controller that is still starting for its first health checks, and can refuse a table. */
class StartingPinot extends PinotStandin {
  unhealthy = 0;
  rejectTable?: string;

  override handle(req: StandinRequest): StandinReply {
    if (req.path === '/health' && this.unhealthy > 0) {
      this.unhealthy--;
      return { status: 503, body: { code: 503, error: 'controller is starting' } };
    }
    if (this.rejectTable && req.path === '/tables' && req.method === 'POST') return { status: 400, body: { code: 400, error: this.rejectTable } };
    return super.handle(req);
  }
}

describe('PinotApplier', () => {
  let pinot: StartingPinot;
  let server: StandinServer;
  let url: string;
  let logs: string[];
  const applier = (options: Partial<PinotApplierOptions> = {}): PinotApplier => new PinotApplier(url, { ...FAST, log: (l) => logs.push(l), ...options });

  beforeEach(async () => {
    pinot = new StartingPinot();
    server = new StandinServer(pinot);
    url = await server.startLoopback();
    logs = [];
  });
  afterEach(() => server.stop());

  it('waits for the controller health, then adds the schema and the table, in that order', async () => {
    pinot.unhealthy = 2;
    await applier().apply(SPEC);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health', 'GET /health', 'GET /health', 'POST /schemas?override=true', 'POST /tables']);
    expect(pinot.schemas.get('shop_income')).toEqual(SPEC.schema);
    expect(pinot.tables.get('shop_income_REALTIME')).toEqual(SPEC.tableConfig);
    expect(logs).toContain('Pinot REALTIME table "shop_income" (schema "shop_income") added');
  });

  it('re-applying updates the existing table (409 on POST, then PUT) to the same single table', async () => {
    await applier().apply(SPEC);
    const changed = { ...SPEC, tableConfig: { ...SPEC.tableConfig, metadata: { customConfigs: { note: 'x' } } } };
    await applier().apply(changed);
    expect(server.requests.slice(-2).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /tables 409', 'PUT /tables/shop_income 200']);
    expect([...pinot.tables.keys()]).toEqual(['shop_income_REALTIME']);
    expect(pinot.tables.get('shop_income_REALTIME')).toEqual(changed.tableConfig);
  });

  it("names the table and the controller's message when the table is refused", async () => {
    pinot.rejectTable = 'Invalid table config: shop_income_REALTIME with error: Failed to find time column';
    const error = await applyFailure(applier().apply(SPEC));
    expect(error.message).toBe(
      'add Pinot REALTIME table "shop_income" (schema "shop_income") failed\n' +
        'the Pinot controller says: HTTP 400: Invalid table config: shop_income_REALTIME with error: Failed to find time column\n' +
        "fix: correct the declaration (the controller's message says what it rejected), then deploy again",
    );
  });

  it('times out naming the last answer and the setting to raise', async () => {
    pinot.unhealthy = 1000;
    const error = await applyFailure(applier({ healthTimeoutMs: 100 }).apply(SPEC));
    expect(error.message).toMatch(/did not answer its health check within 0.1 s \(last: HTTP 503: controller is starting\)/);
    expect(error.message).toContain('raise PINOT_APPLY_HEALTH_TIMEOUT_S (now 0.1 s)');
  });

  it('deletes the table, then its schema; either already gone is fine', async () => {
    await applier().apply(SPEC);
    await applier().delete(SPEC);
    expect([pinot.schemas.size, pinot.tables.size]).toEqual([0, 0]);
    expect(server.requests.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /tables/shop_income?type=realtime', 'DELETE /schemas/shop_income']);
    await expect(applier().delete(SPEC)).resolves.toBeUndefined();
    expect(logs[logs.length - 1]).toContain('table was absent, schema was absent');
  });
});

describe('validatePinotTableSpec', () => {
  it.each([
    [{ tableConfig: SPEC.tableConfig }, /invalid schemaName undefined/],
    [{ ...SPEC, tableConfig: { ...SPEC.tableConfig, tableName: 'has-dash' } }, /invalid tableName "has-dash"/],
    [{ ...SPEC, tableConfig: { ...SPEC.tableConfig, tableType: 'HYBRID' } }, /tableType must be REALTIME or OFFLINE, not "HYBRID"/],
  ])('rejects %j', (spec, message) => {
    expect(() => validatePinotTableSpec(spec)).toThrow(message);
  });
});
