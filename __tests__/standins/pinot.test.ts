import { PINOT_LISTENERS, PinotStandin } from '../../standins/pinot';
import { bodyOf, call } from './request';

const SCHEMA = { schemaName: 'shop_income', dimensionFieldSpecs: [{ name: 'shop', dataType: 'STRING' }], metricFieldSpecs: [{ name: 'income', dataType: 'DOUBLE' }] };
const TABLE = { tableName: 'shop_income', tableType: 'REALTIME', segmentsConfig: { schemaName: 'shop_income', timeColumnName: 'ts' } };

describe('Pinot stand-in', () => {
  let pinot: PinotStandin;
  beforeEach(() => {
    pinot = new PinotStandin();
  });

  it('answers the health check on both the controller and the broker', () => {
    expect(call(pinot, 'GET', '/health')).toEqual({ status: 200, body: 'OK' });
    expect(call(pinot, 'GET', '/health', undefined, { listener: PINOT_LISTENERS.broker })).toEqual({ status: 200, body: 'OK' });
  });

  it('adds, lists, reads and deletes a schema and a realtime table as the controller API does', () => {
    expect(call(pinot, 'POST', '/tables', TABLE)).toMatchObject({ status: 400, body: { code: 400, error: expect.stringContaining('Failed to find schema') } });
    expect(call(pinot, 'POST', '/schemas', SCHEMA).body).toEqual({ unrecognizedProperties: {}, status: 'shop_income successfully added' });
    expect(call(pinot, 'GET', '/schemas').body).toEqual(['shop_income']);
    expect(call(pinot, 'GET', '/schemas/shop_income').body).toEqual(SCHEMA);
    expect(call(pinot, 'POST', '/tables', TABLE).body).toEqual({ unrecognizedProperties: {}, status: 'Table shop_income_REALTIME successfully added' });
    expect(call(pinot, 'POST', '/tables', TABLE).status).toBe(409);
    expect(call(pinot, 'GET', '/tables').body).toEqual({ tables: ['shop_income'] });
    expect(call(pinot, 'GET', '/tables/shop_income').body).toEqual({ REALTIME: TABLE });
    expect(call(pinot, 'GET', '/tables/shop_income?type=offline').body).toEqual({});
    expect(call(pinot, 'DELETE', '/schemas/shop_income')).toMatchObject({ status: 409 });
    expect(call(pinot, 'DELETE', '/tables/shop_income?type=realtime').body).toEqual({ status: 'Tables: [shop_income_REALTIME] deleted' });
    expect(call(pinot, 'DELETE', '/tables/shop_income?type=realtime').status).toBe(404);
    expect(call(pinot, 'DELETE', '/schemas/shop_income').body).toEqual({ status: 'Schema shop_income deleted' });
    expect(call(pinot, 'GET', '/schemas/shop_income').status).toBe(404);
    expect(pinot.state()).toEqual({ schemas: [], tables: [] });
  });

  it('updates a table config with PUT and refuses a bad table type', () => {
    call(pinot, 'POST', '/schemas', SCHEMA);
    call(pinot, 'POST', '/tables', TABLE);
    const changed = { ...TABLE, segmentsConfig: { ...TABLE.segmentsConfig, retentionTimeValue: '1' } };
    expect(call(pinot, 'PUT', '/tables/shop_income', changed).body).toEqual({ unrecognizedProperties: {}, status: 'Table config updated for shop_income_REALTIME' });
    expect(bodyOf(call(pinot, 'GET', '/tables/shop_income')).REALTIME).toEqual(changed);
    expect(call(pinot, 'GET', '/tables/shop_income?type=hybrid').status).toBe(400);
  });

  it('answers a broker query with an empty result: it holds no data', () => {
    const res = call(pinot, 'POST', '/query/sql', { sql: 'SELECT * FROM shop_income' }, { listener: PINOT_LISTENERS.broker });
    expect(res.status).toBe(200);
    expect(bodyOf(res).resultTable).toEqual({ dataSchema: { columnNames: [], columnDataTypes: [] }, rows: [] });
    expect(call(pinot, 'GET', '/schemas', undefined, { listener: PINOT_LISTENERS.broker }).status).toBe(404);
  });
});
