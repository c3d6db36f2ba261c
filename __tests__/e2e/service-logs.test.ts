import { notableLines, servicesOfFailedResources } from '../../e2e/service-logs';

describe('servicesOfFailedResources', () => {
  it("names the container of each failed applier resource's service once, in the order they failed", () => {
    const blocks = [
      'Error: local-exec provisioner error\n\n  with terraform_data.ksql_SERVER_ERRORS,\n  on cdk.tf.json line 6034',
      'Error: local-exec provisioner error\n\n  with terraform_data.connect_es-sink-payments,\n  on cdk.tf.json line 90',
      'Error: local-exec provisioner error\n\n  with terraform_data.ksql_SERVER_LOGS,\n  on cdk.tf.json line 12',
    ];
    expect(servicesOfFailedResources(blocks, 'e2e')).toEqual(['e2e-ksqldb', 'e2e-connect']);
  });

  it('names none for errors outside the appliers (a container that did not start)', () => {
    expect(servicesOfFailedResources(['Error: container exited\n\n  with docker_container.ksqldb,'], 'lab')).toEqual([]);
  });
});

describe('notableLines', () => {
  const log = [
    '[2026-12-07 22:10:01,001] INFO Server up (io.confluent.ksql.rest.server.KsqlRestApplication)',
    '[2026-12-07 22:10:02,001] WARN Producer fenced (org.apache.kafka.clients.producer.internals.TransactionManager)',
    '[2026-12-07 22:10:03,001] WARN Producer fenced (org.apache.kafka.clients.producer.internals.TransactionManager)',
    '[2026-12-07 22:10:04,001] ERROR Could not write the statement (io.confluent.ksql.rest.server.resources.KsqlResource)',
    'io.confluent.ksql.util.KsqlServerException: Could not write the statement',
    '\tat io.confluent.ksql.rest.server.computation.DistributingExecutor.execute(DistributingExecutor.java:160)',
    'Caused by: org.apache.kafka.common.errors.ProducerFencedException: There is a newer producer',
    `[2026-12-07 22:10:05,001] ERROR ${'x'.repeat(500)} (long)`,
  ].join('\n');

  it('keeps warnings, errors and causes, folds repeats of one message and cuts long lines', () => {
    const lines = notableLines(log, 10);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('[2026-12-07 22:10:02,001] WARN Producer fenced (org.apache.kafka.clients.producer.internals.TransactionManager) (×2)');
    expect(lines[1]).toMatch(/ERROR Could not write the statement/);
    expect(lines[2]).toBe('Caused by: org.apache.kafka.common.errors.ProducerFencedException: There is a newer producer');
    expect(lines[3]).toHaveLength(301);
    expect(lines[3].endsWith('…')).toBe(true);
  });

  it('keeps the last ones when there are more than asked for', () => {
    expect(notableLines(log, 2)).toEqual([expect.stringMatching(/^Caused by: /), expect.stringMatching(/ERROR x+/)]);
  });

  it('returns none for a log without warnings', () => {
    expect(notableLines('[2026-12-07 22:10:01,001] INFO fine (x)\n', 5)).toEqual([]);
  });
});
