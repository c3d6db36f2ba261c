import type { RunStats } from './runner';

/** Progress lines on stderr: totals, overall and recent rate, failures, sends in flight. */
export class Progress {
  private readonly started = Date.now();
  private last = { at: this.started, sent: 0 };

  constructor(private readonly label: string) {}

  line(stats: RunStats): string {
    const now = Date.now();
    const recent = ((stats.sent - this.last.sent) * 1000) / Math.max(1, now - this.last.at);
    const overall = (stats.sent * 1000) / Math.max(1, now - this.started);
    this.last = { at: now, sent: stats.sent };
    return `[${this.label}] sent ${stats.sent} (${recent.toFixed(1)}/s now, ${overall.toFixed(1)}/s overall), errors ${stats.failed}, in flight ${stats.inFlight}`;
  }

  summary(stats: RunStats): string {
    const seconds = (Date.now() - this.started) / 1000;
    const verdict = stats.failed > 0 ? 'FAILED' : stats.unconfirmed > 0 ? 'UNCONFIRMED' : 'done';
    // Unconfirmed messages may be in the topic already or appear later: re-sending them may duplicate them.
    const unconfirmed = stats.unconfirmed > 0 ? `, unconfirmed ${stats.unconfirmed} (may still be written)` : '';
    return `[${this.label}] ${verdict}: sent ${stats.sent}, not delivered ${stats.failed}${unconfirmed}, ${seconds.toFixed(1)} s, ${(stats.sent / Math.max(seconds, 0.001)).toFixed(1)}/s`;
  }
}
