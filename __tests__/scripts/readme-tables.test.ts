/** README.md's generated blocks: found between their markers, rewritten in place, and a stale one named in one line. */
import { readmeBlock, staleBlock, withBlock } from '../../scripts/readme-tables/blocks';

const table = '| a | b |\n|---|---|\n| 1 | 2 |';
const readme = `# Title\n\nBefore.\n\n<!-- readme:tables pipelines -->\n\n${table}\n\n<!-- /readme:tables -->\n\nAfter.\n`;

describe('readmeBlock', () => {
  it('reads the table between its markers', () => {
    expect(readmeBlock(readme, 'pipelines')).toBe(table);
  });

  it("is undefined when the table's markers are missing", () => {
    expect(readmeBlock(readme, 'dashboards')).toBeUndefined();
  });
});

describe('withBlock', () => {
  it('replaces the table between the markers and leaves the rest of the README as it was', () => {
    const updated = withBlock(readme, 'pipelines', '| a | b |\n|---|---|\n| 3 | 4 |');
    expect(updated).toBe(readme.replace('| 1 | 2 |', '| 3 | 4 |'));
    expect(withBlock(updated, 'pipelines', table)).toBe(readme);
  });

  it('refuses a README without the markers, saying where they go', () => {
    expect(() => withBlock(readme, 'memory', table)).toThrow(
      'README.md has no memory table between <!-- readme:tables memory --> and <!-- /readme:tables --> — put the markers back around the table, then run npm run readme:tables',
    );
  });
});

describe('staleBlock', () => {
  it('finds nothing when the block is the rendered table', () => {
    expect(staleBlock(readme, 'pipelines', table)).toBeUndefined();
  });

  it('names the stale table and the command in one line when a row differs', () => {
    const problem = staleBlock(readme, 'pipelines', `${table}\n| 5 | 6 |`);
    expect(problem).toBe("README.md's pipelines table (<!-- readme:tables pipelines -->) is stale: it differs from the declarations — run npm run readme:tables");
    expect(problem).not.toContain('\n');
  });

  it('names the missing markers', () => {
    expect(staleBlock(readme, 'dashboards', table)).toMatch(/^README\.md has no dashboards table between <!-- readme:tables dashboards -->/);
  });
});
