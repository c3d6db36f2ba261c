/**
 * The Elasticsearch stand-in (standins/elasticsearch.ts) on a free loopback port, for the unit
 * tests: one implementation of the REST contract serves both the tests and the deploy rehearsal.
 */
import { StandinServer, type RecordedRequest } from '../../standins/http';
import { ElasticsearchStandin } from '../../standins/elasticsearch';

export class FakeElasticsearch extends ElasticsearchStandin {
  private readonly server = new StandinServer(this);

  /** Every request, in order, with its method, path (and query) and parsed body. */
  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  start(): Promise<string> {
    return this.server.startLoopback();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
