/**
 * The schema id of each endpoint's subject. Registered in the background at start and retried
 * until all are: /healthz (the container's health check, which the ksqlDB statements wait for)
 * reports healthy only then, because a ksqlDB stream over a topic whose subject has no schema yet
 * fails to create.
 */
import { SchemaRegistryError, type RegisteredSchema } from '../generators/formats/registry-client';
import type { PaymentEndpoint } from './endpoints';

export interface SchemaRegistrar {
  register(subject: string, schema: RegisteredSchema): Promise<number>;
}

export interface SchemasStatus {
  /** Every endpoint's schema is registered. */
  readonly ready: boolean;
  /** A word on the registry: 'ok', or what is missing and why. */
  readonly summary: string;
  /** Subject -> schema id, null while not registered. */
  readonly subjects: Readonly<Record<string, number | null>>;
}

export interface EndpointSchemasOptions {
  /** Pause between background attempts while some schema is not registered. Default 2,000 ms. */
  readonly retryMs?: number;
  readonly log?: (line: string) => void;
}

const describeError = (error: unknown): string => (error instanceof SchemaRegistryError ? `${error.kind}: ${error.message}` : error instanceof Error ? error.message : String(error));

export class EndpointSchemas {
  /** A registered schema keeps its id, so each subject is asked for until the first success. */
  private readonly ids = new Map<PaymentEndpoint, number>();
  private readonly registering = new Map<PaymentEndpoint, Promise<number>>();
  private lastError: string | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly registry: SchemaRegistrar,
    private readonly endpoints: readonly PaymentEndpoint[],
    options: EndpointSchemasOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 2_000;
    this.log = options.log ?? (() => undefined);
  }

  /** The endpoint's schema id if it is registered already: no promise to wait for, the usual case. */
  knownId(endpoint: PaymentEndpoint): number | undefined {
    return this.ids.get(endpoint);
  }

  /** The endpoint's schema id; registers it first if needed (concurrent callers share one request). */
  idFor(endpoint: PaymentEndpoint): Promise<number> {
    const known = this.ids.get(endpoint);
    if (known !== undefined) return Promise.resolve(known);
    let registering = this.registering.get(endpoint);
    if (registering === undefined) {
      registering = this.registry
        .register(endpoint.subject, { schema: endpoint.serde.schemaText, schemaType: endpoint.serde.schemaType })
        .then(
          (id) => {
            this.ids.set(endpoint, id);
            if (this.ids.size === this.endpoints.length) this.lastError = undefined;
            return id;
          },
          (error: unknown) => {
            this.lastError = `${endpoint.subject}: ${describeError(error)}`;
            throw error;
          },
        )
        .finally(() => this.registering.delete(endpoint));
      this.registering.set(endpoint, registering);
    }
    return registering;
  }

  /** Registers every schema now, and again every `retryMs` until all are (or stop()). */
  registerAll(): void {
    const missing = this.endpoints.filter((endpoint) => !this.ids.has(endpoint));
    if (this.stopped || missing.length === 0) return;
    void Promise.allSettled(
      missing.map((endpoint) =>
        this.idFor(endpoint).then(
          (id) => this.log(`payments-api: ${endpoint.path} -> topic ${endpoint.topic}, ${endpoint.serde.schemaType} schema id ${id} (subject ${endpoint.subject})`),
          (error: unknown) => this.log(`payments-api: ${endpoint.path}: ${describeError(error)} (retrying every ${this.retryMs} ms; /healthz stays 503 until registered)`),
        ),
      ),
    ).then(() => {
      if (this.stopped || this.ids.size === this.endpoints.length) return;
      this.retryTimer = setTimeout(() => this.registerAll(), this.retryMs);
    });
  }

  status(): SchemasStatus {
    const subjects: Record<string, number | null> = {};
    for (const endpoint of this.endpoints) subjects[endpoint.subject] = this.ids.get(endpoint) ?? null;
    const registered = this.ids.size;
    const ready = registered === this.endpoints.length;
    const missing = this.endpoints.filter((endpoint) => !this.ids.has(endpoint)).map((endpoint) => endpoint.subject);
    const summary = ready
      ? 'ok'
      : `${registered} of ${this.endpoints.length} schemas registered; waiting for ${missing.join(', ')}${this.lastError !== undefined ? ` (last error: ${this.lastError})` : ''}`;
    return { ready, summary, subjects };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }
}
