/**
 * When an apply fails in a service's applier (a ksqlDB statement, a connector, an index template),
 * the applier's own output says what the service answered, but often not why: ksqlDB answered
 * "fenced by another producer" for two minutes in a CI run whose ksqlDB log, gone with the machine,
 * held the cause. So a failed rehearsal prints the warnings and errors of the services whose
 * resources failed, short enough to stay within the end of a CI log that is kept.
 */
import type { OpsTool } from '../ops/timeouts';

/** The container (after `<project>-`) whose log explains a failure of each applier's resources. */
const SERVICE_OF_TOOL: Readonly<Record<OpsTool, string>> = {
  ksql: 'ksqldb',
  connect: 'connect',
  elasticsearch: 'elasticsearch',
  kibana: 'kibana',
  pinot: 'pinot',
};

/** Resources named in Terraform's error blocks: `with terraform_data.<tool>_<object>,`. */
const FAILED_RESOURCE = /\bwith terraform_data\.([a-z]+)_/g;

/** The containers of the services whose applier resources failed, in the order they first failed. */
export function servicesOfFailedResources(errorBlocks: readonly string[], project: string): string[] {
  const services = new Set<string>();
  for (const block of errorBlocks) {
    for (const match of block.matchAll(FAILED_RESOURCE)) {
      const service = (SERVICE_OF_TOOL as Readonly<Record<string, string>>)[match[1]];
      if (service) services.add(`${project}-${service}`);
    }
  }
  return [...services];
}

/** A log4j line at WARN or ERROR (`[date] WARN message (logger)`), or a stack trace's cause. */
const NOTABLE = /^\[[^\]]+\] (WARN|ERROR) |^Caused by: /;

/** How much of one line is kept: a ksqlDB error can carry a whole statement. */
const LINE_CHARS = 300;

/**
 * The last `max` warnings and errors of a log, each cut to LINE_CHARS, with runs of the same
 * message (after its timestamp) folded into one line that says how often it came.
 */
export function notableLines(log: string, max: number): string[] {
  const folded: { text: string; message: string; count: number }[] = [];
  for (const line of log.split('\n')) {
    if (!NOTABLE.test(line)) continue;
    const text = line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line;
    const message = text.replace(/^\[[^\]]+\] /, '');
    const last = folded[folded.length - 1];
    if (last?.message === message) last.count += 1;
    else folded.push({ text, message, count: 1 });
  }
  return folded.slice(-max).map(({ text, count }) => (count > 1 ? `${text} (×${count})` : text));
}
