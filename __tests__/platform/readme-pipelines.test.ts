/** The README's pipeline table is the one rendered from pipelines/catalog.ts and each pipelines/<name>.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { staleBlock } from '../../scripts/readme-tables/blocks';
import { pipelinesTable } from '../../scripts/readme-tables/tables';

describe('the README pipeline table', () => {
  it('is the table rendered from the declarations', () => {
    expect(staleBlock(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'), 'pipelines', pipelinesTable())).toBeUndefined();
  });

  it("renders a pipeline's datasets with how they reach Kafka, and its sinks with their notes", () => {
    const rows = pipelinesTable().split('\n');
    expect(rows).toContain(
      '| `moodle` | `moodle_logs` (rows into MariaDB `mdl_logstore_standard_log`, captured by Debezium), `moodle_predictions` | `ksql/moodle.sql` | MOODLE_USER_SESSIONS (15-minute session windows), MOODLE_USER_ACTIVITY, MOODLE_PREDICTIONS, MOODLE_AT_RISK_STUDENTS (prediction > 0.7) |',
    );
    expect(rows.find((r) => r.startsWith('| `payments` '))).toMatch(/^\| `payments` \| `payments` \(sent through the payments API\) \|/);
  });
});
