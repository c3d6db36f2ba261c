/** Helpers of the generator integration tests (not a suite): run the real CLI, read topics back. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export const ROOT = resolve(__dirname, '..', '..');

/** A lab-generate process as `npm run generate` starts it, with its output collected. */
export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** The exit code; rejects (and SIGKILLs the process) if it has not exited within `timeoutMs`. */
  exit(timeoutMs?: number): Promise<number | null>;
  /** Resolves once stderr matches `pattern` (a progress line, say); rejects if the process exits first. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const live = new Set<ChildProcess>();
/** SIGKILLs every CLI process a test left running (call in afterAll/afterEach). */
export function killLeftoverClis(): void {
  for (const child of live) child.kill('SIGKILL');
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, ['--require', 'ts-node/register/transpile-only', 'generators/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  live.add(child);
  void exited.then(() => live.delete(child));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    exit(timeoutMs = 180_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`lab-generate did not exit within ${timeoutMs} ms; stderr tail:\n${err.slice(-3000)}`));
        }, timeoutMs);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
    waitForStderr(pattern, timeoutMs = 120_000) {
      return new Promise((resolveMatch, reject) => {
        const check = (): void => {
          const match = err.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolveMatch(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`lab-generate did not print ${pattern} within ${timeoutMs} ms; stderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`lab-generate exited with ${code} before printing ${pattern}; stderr:\n${err}`));
          }
        });
        check();
      });
    },
  };
}

export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const code = await run.exit();
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

export const kafkaClient = (bootstrap: string): Kafka => new Kafka({ clientId: 'generator-it', brokers: [bootstrap], logLevel: logLevel.ERROR });

export async function createTopics(bootstrap: string, topics: readonly string[], partitions: number): Promise<void> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface Consumed {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: number;
  readonly value: Record<string, unknown>;
}

/** Total messages in a topic: sum of (high watermark - low watermark) over its partitions. */
export async function topicSize(bootstrap: string, topic: string): Promise<number> {
  const admin = kafkaClient(bootstrap).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the whole topic from the beginning: the number of messages is taken from the offsets
 * first, so the result is everything the topic holds, not just what the test expects.
 */
export async function consumeTopic(bootstrap: string, topic: string, timeoutMs = 120_000): Promise<Consumed[]> {
  const expected = await topicSize(bootstrap, topic);
  const consumer = kafkaClient(bootstrap).consumer({ groupId: `generator-it-${topic}-${Date.now()}`, maxBytes: 10 * 1024 * 1024 });
  const seen: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    if (expected > 0) {
      await new Promise<void>((resolveAll, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${expected} messages of ${topic} within ${timeoutMs} ms`)), timeoutMs);
        void consumer.run({
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              seen.push({
                partition: batch.partition,
                offset: message.offset,
                key: message.key === null ? null : message.key.toString(),
                timestamp: Number(message.timestamp),
                value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
              });
            }
            if (seen.length >= expected) {
              clearTimeout(timer);
              resolveAll();
            }
          },
        });
      });
    }
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** The `sent N` figure of the CLI's final summary line: what the broker acknowledged. */
export function acknowledged(stderr: string): number {
  const match = stderr.match(/(?:done|FAILED|UNCONFIRMED): sent (\d+), not delivered (\d+)/);
  if (!match) throw new Error(`no summary line in lab-generate's stderr:\n${stderr}`);
  return Number(match[1]);
}
