/**
 * Is the object ksqlDB runs the one a statement declares? ksqlDB stores every statement rewritten
 * (VARCHAR becomes STRING, the WITH list completed with KEY_FORMAT, PARTITIONS, REPLICAS,
 * RETENTION_MS, CLEANUP_POLICY and sorted, columns qualified, `FROM X X`, WHERE and HAVING
 * parenthesized, `1 MINUTE` as `1 MINUTES`), so its text never equals the declared text. What the
 * real engine (7.9.9) allows instead, and why each alternative was not taken:
 *
 * - Queries (CREATE ... AS SELECT, INSERT INTO): ksqlDB keeps the streamsProperties a statement
 *   was sent with as the query's overriddenProperties (SHOW QUERIES EXTENDED, EXPLAIN), in its
 *   command topic, so through restarts; CREATE OR REPLACE sets the new statement's. The applier
 *   sends a SHA-256 of the declared statement as STATEMENT_FINGERPRINT_PROPERTY and compares it.
 *   The name is under `ksql.functions.`, the one free-form namespace ksqlDB accepts (UDFs read
 *   only their own names in it); any other unknown name is refused ("Not recognizable as ksql,
 *   streams, consumer, or producer property").
 *   Not taken: normalizing both texts as ksqlDB does (re-implementing its formatter and the
 *   injectors that complete the WITH list, for every version); EXPLAIN of the declared statement
 *   (it runs it in a sandbox, which fails for a sink that exists, and echoes the text unrewritten);
 *   structure alone (columns, formats and topics do not show a changed WHERE or HAVING threshold).
 * - Plain CREATE STREAM / TABLE: no query, so nothing keeps a property. But such a statement is
 *   all structure: its columns and WITH properties, which the stored text keeps as literals. The
 *   stored text is parsed with the project's own parser (which spells STRING and INT as VARCHAR
 *   and INTEGER) and compared column by column and declared property by declared property.
 *   Properties ksqlDB added (KEY_FORMAT, CLEANUP_POLICY, PARTITIONS, ...) are its defaults and
 *   are not differences.
 */
import { createHash } from 'node:crypto';
import { parseScript, type ColumnDecl, type KsqlStatement } from '../../ksql-language/parser';
import type { QueryDescription } from './rest-client';

export const STATEMENT_FINGERPRINT_PROPERTY = 'ksql.functions.lab.statement.sha256';

/**
 * Statement text compared the way ksqlDB would parse it: case and whitespace outside string
 * literals and quoted identifiers do not matter, nor does the trailing semicolon.
 */
export function normalizeStatement(statement: string): string {
  let out = '';
  let quote: string | undefined;
  let pendingSpace = false;
  for (const c of statement.trim().replace(/;\s*$/, '')) {
    if (quote) {
      out += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (/\s/.test(c)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && out.length > 0) out += ' ';
    pendingSpace = false;
    if (c === "'" || c === '`' || c === '"') quote = c;
    out += quote ? c : c.toUpperCase();
  }
  // CREATE OR REPLACE and IF NOT EXISTS say how to create, not what.
  return out.replace(/^CREATE OR REPLACE /, 'CREATE ').replace(/ IF NOT EXISTS /, ' ');
}

/** The fingerprint sent with, and later compared against, a declared statement. */
export function statementFingerprint(statement: string): string {
  return createHash('sha256').update(normalizeStatement(statement)).digest('hex');
}

export function fingerprintProperties(statement: string): Record<string, string> {
  return { [STATEMENT_FINGERPRINT_PROPERTY]: statementFingerprint(statement) };
}

/** Why the running query is not the declared statement's, or undefined when it is. */
export function queryDifference(statement: string, query: QueryDescription): string | undefined {
  const deployed = query.overriddenProperties?.[STATEMENT_FINGERPRINT_PROPERTY];
  if (deployed === undefined) return `query ${query.id} was started without the applier's statement fingerprint (by hand, or by an older deploy)`;
  if (deployed !== statementFingerprint(statement)) return `query ${query.id} runs another statement: ${query.statementText}`;
  return undefined;
}

/** WITH properties whose values ksqlDB upper-cases (format names); others are kept verbatim. */
const CASE_INSENSITIVE_PROPERTIES = /_FORMAT$/;

function parseOne(statement: string): KsqlStatement | undefined {
  return parseScript('deployed', /;\s*$/.test(statement) ? statement : `${statement};`).statements[0];
}

function describeColumn(c: ColumnDecl): string {
  return `${c.name} ${c.type}${c.role ? ` ${c.role}` : ''}`;
}

/** Why the stored statement of a plain CREATE is not the declared one, or undefined when it is. */
export function sourceDifference(declaredStatement: string, storedStatement: string): string | undefined {
  const declared = parseOne(declaredStatement);
  const stored = parseOne(storedStatement);
  if (!declared || !stored) return `ksqlDB's stored statement could not be read: ${storedStatement}`;
  if (declared.kind !== stored.kind) return `it is a ${stored.kind}`;
  const want = declared.columns.map(describeColumn).join(', ');
  const have = stored.columns.map(describeColumn).join(', ');
  if (want !== have) return `its columns are (${have}), declared (${want})`;
  for (const [key, { value }] of Object.entries(declared.properties)) {
    const deployed = stored.properties[key]?.value;
    const same = CASE_INSENSITIVE_PROPERTIES.test(key)
      ? String(deployed).toUpperCase() === String(value).toUpperCase()
      : String(deployed) === String(value);
    if (!same) return `its ${key} is ${deployed === undefined ? 'not set' : String(deployed)}, declared ${String(value)}`;
  }
  return undefined;
}
