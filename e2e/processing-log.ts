/**
 * ksqlDB's processing-log records (the JSON its Kafka appender writes with Confluent's
 * StructuredJsonLayout: { level, logger, time, message: { type, deserializationError, ... } }),
 * read back by the rehearsal: which one is the bad record it sent on purpose, and what the rest say.
 * Pure functions, unit-tested against records the real ksqlDB 7.9.9 wrote.
 */

/** The error sections a processing-log message may carry (one is set, by `type`). */
const ERROR_SECTIONS = ['deserializationError', 'recordProcessingError', 'productionError', 'serializationError', 'kafkaStreamsThreadError'] as const;

interface ErrorSection {
  readonly errorMessage?: string;
  readonly topic?: string;
}

export interface ProcessingLogEntry {
  /** The logger: `processing.<query id>.<step>`, naming the query that met the record. */
  readonly logger: string;
  readonly time: number;
  /** Which section was set: deserializationError, recordProcessingError, ... */
  readonly kind: string;
  readonly errorMessage: string;
  /** The topic a record failed to deserialize from (deserialization errors only). */
  readonly topic?: string;
}

/** One record of the processing-log topic; undefined when it is not the layout's JSON. */
export function parseProcessingLogRecord(value: string): ProcessingLogEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as { logger?: unknown; time?: unknown; message?: Record<string, unknown> | null };
  const message = record.message ?? {};
  const kind = ERROR_SECTIONS.find((k) => typeof message[k] === 'object' && message[k] !== null);
  const section = (kind ? message[kind] : {}) as ErrorSection;
  return {
    logger: typeof record.logger === 'string' ? record.logger : '?',
    time: typeof record.time === 'number' ? record.time : 0,
    kind: kind ?? 'unknown',
    errorMessage: section.errorMessage ?? JSON.stringify(message).slice(0, 200),
    ...(section.topic ? { topic: section.topic } : {}),
  };
}

export interface ProcessingLogFindings {
  /** Deserialization errors of the probe topic logged after the bad record was sent: the rehearsal's own. */
  readonly probe: readonly ProcessingLogEntry[];
  /** Everything else, grouped: "<count> x <kind> in <query>: <message>" (the lab's own data caused them). */
  readonly others: readonly string[];
  readonly unreadable: number;
}

/** The query id in a processing logger's name (`processing.CSAS_BAD_RATINGS_3.KsqlTopic.Source` -> CSAS_BAD_RATINGS_3). */
export function queryOfLogger(logger: string): string {
  return logger.split('.')[1] ?? logger;
}

/**
 * Sorts the records into the rehearsal's bad record (a deserialization error on `probeTopic` at or
 * after `sentAt`, epoch ms; a second of slack for the clocks) and the others, grouped by what they say.
 */
export function processingLogFindings(values: readonly string[], probeTopic: string, sentAt: number): ProcessingLogFindings {
  const probe: ProcessingLogEntry[] = [];
  const groups = new Map<string, number>();
  let unreadable = 0;
  for (const value of values) {
    const entry = parseProcessingLogRecord(value);
    if (!entry) {
      unreadable++;
      continue;
    }
    if (entry.kind === 'deserializationError' && entry.topic === probeTopic && entry.time >= sentAt - 1_000) {
      probe.push(entry);
      continue;
    }
    const key = `${entry.kind} in ${queryOfLogger(entry.logger)}: ${entry.errorMessage.split('\n')[0].slice(0, 160)}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const others = [...groups].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key, count]) => `${count} x ${key}`);
  return { probe, others, unreadable };
}
