/** The Kibana saved object applier against the Kibana stand-in, which the rehearsal also runs. */
import { KibanaApplier, validateSavedObjectSpec, type KibanaApplierOptions, type SavedObjectSpec } from '../../ops/kibana/applier';
import { StandinServer, type StandinReply, type StandinRequest } from '../../standins/http';
import { KibanaStandin } from '../../standins/kibana';
import { applyFailure } from '../support/ops-cli';

const FAST: Partial<KibanaApplierOptions> = { statusTimeoutMs: 2_000, pollMs: 10, requestTimeoutMs: 1_000 };
const VIEW: SavedObjectSpec = { type: 'index-pattern', id: 'moodle_user_sessions', attributes: { title: 'moodle_user_sessions', timeFieldName: 'SESSION_START' }, references: [] };

/** A stand-in that reports a level other than available for its first status answers. */
class StartingKibana extends KibanaStandin {
  statusLevels: string[] = [];
  rejectWith?: string;

  override handle(req: StandinRequest): StandinReply {
    if (req.path === '/api/status' && this.statusLevels.length) {
      const level = this.statusLevels.shift()!;
      return { status: 503, body: { status: { overall: { level, summary: `${level} for now` } } } };
    }
    if (this.rejectWith && req.method === 'POST') return { status: 400, body: { statusCode: 400, error: 'Bad Request', message: this.rejectWith } };
    return super.handle(req);
  }
}

describe('KibanaApplier', () => {
  let kibana: StartingKibana;
  let server: StandinServer;
  let url: string;
  let logs: string[];
  const applier = (options: Partial<KibanaApplierOptions> = {}): KibanaApplier => new KibanaApplier(url, { ...FAST, log: (l) => logs.push(l), ...options });

  beforeEach(async () => {
    kibana = new StartingKibana();
    server = new StandinServer(kibana);
    url = await server.startLoopback();
    logs = [];
  });
  afterEach(() => server.stop());

  it('waits for status available, then writes the object with overwrite=true and the kbn-xsrf header', async () => {
    kibana.statusLevels = ['unavailable', 'degraded'];
    await applier().put(VIEW);
    const calls = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['GET /api/status', 'GET /api/status', 'GET /api/status', 'POST /api/saved_objects/index-pattern/moodle_user_sessions?overwrite=true']);
    expect(kibana.savedObjects.get('index-pattern/moodle_user_sessions')?.attributes).toEqual(VIEW.attributes);
    expect(logs).toContain('Kibana index-pattern "moodle_user_sessions" written');
  });

  it('re-applying overwrites to the same single object', async () => {
    await applier().put(VIEW);
    await applier().put({ ...VIEW, attributes: { title: 'moodle_user_sessions' } });
    await applier().put(VIEW);
    expect(kibana.savedObjects.size).toBe(1);
    expect(kibana.savedObjects.get('index-pattern/moodle_user_sessions')?.attributes).toEqual(VIEW.attributes);
  });

  it("names the object and Kibana's message when the write is refused", async () => {
    kibana.rejectWith = '[request body.attributes.title]: expected value of type [string]';
    const error = await applyFailure(applier().put(VIEW));
    expect(error.message).toBe(
      'write Kibana index-pattern "moodle_user_sessions" failed\nKibana says: HTTP 400: [request body.attributes.title]: expected value of type [string]\n' +
        "fix: correct the object's declaration (Kibana's message says what it rejected), then deploy again",
    );
  });

  it('times out naming the last level seen and the setting to raise', async () => {
    kibana.statusLevels = Array<string>(1000).fill('degraded');
    const error = await applyFailure(applier({ statusTimeoutMs: 100 }).put(VIEW));
    expect(error.message).toMatch(/did not report status available within 0.1 s \(last: overall level degraded\)/);
    expect(error.message).toContain('raise KIBANA_APPLY_STATUS_TIMEOUT_S (now 0.1 s)');
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('deletes the object; one already absent is fine', async () => {
    await applier().put(VIEW);
    await expect(applier().delete(VIEW)).resolves.toBe('deleted');
    expect(kibana.savedObjects.size).toBe(0);
    await expect(applier().delete(VIEW)).resolves.toBe('absent');
  });
});

describe('validateSavedObjectSpec', () => {
  it.each([
    [{ ...VIEW, type: 'visualization' }, /type "visualization": use one of index-pattern, search, dashboard/],
    [{ ...VIEW, id: 'Has Space' }, /invalid id "Has Space"/],
    [{ ...VIEW, attributes: undefined }, /attributes must be an object/],
    [{ ...VIEW, references: [{ name: 'x', type: 'lens', id: 'y' }] }, /references must be an array/],
  ])('rejects %j', (spec, message) => {
    expect(() => validateSavedObjectSpec(spec)).toThrow(message);
  });

  it('accepts a spec without references as having none', () => {
    expect(validateSavedObjectSpec({ type: 'dashboard', id: 'd', attributes: {} }).references).toEqual([]);
  });
});
