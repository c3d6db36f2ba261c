/** The one shape of the errors that list every problem: configuration, ksqlDB scripts, sink declarations. */
import { ConfigError } from '../../config/validate';
import { ProblemListError } from '../../lib/problem-list-error';
import { KsqlScriptError } from '../../ksql-language/problem';
import { SinkDeclarationError } from '../../payloads/elasticsearch-sinks';

describe('ProblemListError', () => {
  it('counts the problems in words and indents one line per problem', () => {
    expect(new ProblemListError('Bad things', ['a']).message).toBe('Bad things (1 problem):\n  a');
    expect(new ProblemListError('Bad things', ['a', 'b']).message).toBe('Bad things (2 problems):\n  a\n  b');
  });

  it('is the shape of every error that lists problems, each keeping its name', () => {
    const errors = [
      new ConfigError(['kafka.brokers: got 2; allowed: 1, 3']),
      new KsqlScriptError([{ file: 'ksql/x.sql', line: 3, problem: 'unknown stream FOO', fix: 'declare it' }]),
      new SinkDeclarationError([{ where: 'pipeline x, sink FOO', problem: 'no such object', fix: 'correct the name' }]),
    ];
    expect(errors.map((e) => e instanceof ProblemListError)).toEqual([true, true, true]);
    expect(errors.map((e) => e.name)).toEqual(['ConfigError', 'KsqlScriptError', 'SinkDeclarationError']);
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid lab configuration (1 problem):\n  - kafka.brokers: got 2; allowed: 1, 3',
      'ksqlDB scripts failed validation (1 problem):\n  ksql/x.sql:3: unknown stream FOO — declare it',
      'Elasticsearch sinks failed validation (1 problem):\n  pipeline x, sink FOO: no such object — correct the name',
    ]);
  });
});
