/** The README's ACL table for an administrator is what the stack grants with manageAcls, row for row. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { aclGrantRows, serviceAclGrants } from '../../platform/service-acls';

/** The rows of the ACL table in "### External Kafka": those whose first cell is an ACL resource type. */
function aclRows(readme: string): string[] {
  const section = readme.split('\n### External Kafka')[1].split('\n## ')[0];
  return section.split('\n').filter((line) => /^\| (Topic|Group|TransactionalID|Cluster|DelegationToken) \|/.test(line));
}

describe('the README ACL table', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

  it('lists exactly the grants of serviceAclGrants, with <prefix> for kafka.topicPrefix', () => {
    expect(aclRows(readme)).toEqual(aclGrantRows(serviceAclGrants('<prefix>')));
  });

  it('finds the table rows (the check sees a missing operation)', () => {
    const rows = aclGrantRows(serviceAclGrants('<prefix>'));
    const edited = `x\n### External Kafka\n\n${rows.join('\n').replace('Read, Write, Delete', 'Read, Write')}\n\n## Next\n`;
    expect(aclRows(edited)).not.toEqual(rows);
    expect(aclRows(edited)).toHaveLength(rows.length);
  });
});
