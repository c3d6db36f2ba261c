/**
 * The ksqlDB stand-in (standins/ksqldb.ts) on a free loopback port, for the unit tests: one
 * implementation of ksqlDB's REST contract serves both the tests and the deploy rehearsal.
 */
import { StandinServer } from '../../standins/http';
import { KsqlDbStandin } from '../../standins/ksqldb';

export type { KsqlRequest } from '../../standins/ksqldb';

export class FakeKsqlDb extends KsqlDbStandin {
  private readonly server = new StandinServer(this);

  /** Starts on a free port of 127.0.0.1 and returns its base URL. */
  start(): Promise<string> {
    return this.server.startLoopback();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
