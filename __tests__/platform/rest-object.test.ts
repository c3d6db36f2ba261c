import { Testing } from 'cdktf';
import { RestObject, type RestObjectProps } from '../../constructs/rest-object';
import { configWith, resourcesOf, synthStack } from '../support/synth';

type Provisioner = { 'local-exec': { command: string; when?: string; on_failure?: string } };
type Data = Record<string, { triggers_replace: { spec_sha256: string }; input: { spec: string }; provisioner: Provisioner[] }>;

function synthOne(props: Omit<RestObjectProps, 'tool' | 'endpoint'>): { id: string; data: Data[string] } {
  const tf = JSON.parse(
    Testing.synthScope((scope) => {
      new RestObject(scope, 'THING', { tool: 'ksql', endpoint: 'http://127.0.0.1:8088', ...props });
    }),
  ) as { resource: { terraform_data: Data } };
  const [id, data] = Object.entries(tf.resource.terraform_data)[0];
  return { id, data };
}

describe('RestObject', () => {
  it('is addressed by tool and name', () => {
    expect(synthOne({ spec: { a: 1 } }).id).toBe('ksql_THING');
  });

  it('is replaced when its spec changes', () => {
    expect(synthOne({ spec: { statement: 'A' } }).data.triggers_replace.spec_sha256).not.toBe(synthOne({ spec: { statement: 'B' } }).data.triggers_replace.spec_sha256);
  });

  it('is not replaced when only what replaceOn leaves out changes (a statement moved in its file)', () => {
    const at = (line: number) => synthOne({ spec: { statement: 'A', line }, replaceOn: { statement: 'A' } }).data;
    expect(at(3).triggers_replace).toEqual(at(40).triggers_replace);
    expect(at(3).input.spec).not.toEqual(at(40).input.spec);
  });

  it('applies on create and stops a deploy that fails; deletes on destroy and lets the destroy go on when that fails', () => {
    const [apply, destroy] = synthOne({ spec: { a: 1 } }).data.provisioner.map((p) => p['local-exec']);
    expect(apply.command).toMatch(/ops\/ksql\/cli\.ts apply$/);
    expect(apply.when).toBeUndefined();
    expect(apply.on_failure).toBeUndefined();
    expect(destroy.command).toMatch(/ops\/ksql\/cli\.ts delete$/);
    expect(destroy.when).toBe('destroy');
    expect(destroy.on_failure).toBe('continue');
  });
});

describe('the spec hash that replaces an object', () => {
  const external = { kafka: { mode: 'external' as const, external: { bootstrapServers: 'kafka.example:9092', securityProtocol: 'SASL_SSL' as const, saslMechanism: 'PLAIN' as const } } };
  const pinotHash = (): unknown => {
    const data = resourcesOf(synthStack(configWith(external)), 'terraform_data');
    return Object.entries(data).find(([name]) => name.startsWith('pinot_'))?.[1].triggers_replace;
  };

  it('is the same whatever else was synthesized first (a spec with a sensitive variable in it)', () => {
    const alone = pinotHash();
    // Another stack in between makes tokens of its own; the placeholders' counter moves on.
    synthStack(configWith({ bindAddress: '0.0.0.0' }));
    expect(pinotHash()).toEqual(alone);
    expect(alone).toEqual({ spec_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
