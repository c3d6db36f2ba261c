package io.confluent.connect.elasticsearch;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * STAND-IN configuration of Confluent's Elasticsearch sink (see {@link ElasticsearchSinkConnector}).
 *
 * <p>The keys of the real connector's connector and data-conversion groups, with the types,
 * defaults and validators that the real {@code ElasticsearchSinkConnectorConfig} documents
 * (confluentinc/kafka-connect-elasticsearch, 15.x/16.x): a wrong type or an enum value outside the
 * documented set is refused by {@code PUT /connectors/{name}/config} as it would be by the real
 * connector. Written here from those definitions, not copied.
 *
 * <p>Not defined (and so accepted without validation, as Connect accepts any unknown key): the
 * proxy, SSL and Kerberos groups, which the stack does not send. Not checked either: the real
 * validator's cross-key rules and its connection test against Elasticsearch at validation time.
 */
public final class StandinSinkConfig extends AbstractConfig {

  public static final String CONNECTION_URL = "connection.url";
  public static final String CONNECTION_USERNAME = "connection.username";
  public static final String CONNECTION_PASSWORD = "connection.password";
  public static final String BATCH_SIZE = "batch.size";
  public static final String MAX_RETRIES = "max.retries";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  public static final String CONNECTION_TIMEOUT_MS = "connection.timeout.ms";
  public static final String READ_TIMEOUT_MS = "read.timeout.ms";
  public static final String KEY_IGNORE = "key.ignore";
  public static final String TOPIC_KEY_IGNORE = "topic.key.ignore";
  public static final String SCHEMA_IGNORE = "schema.ignore";
  public static final String BEHAVIOR_ON_NULL_VALUES = "behavior.on.null.values";
  public static final String BEHAVIOR_ON_MALFORMED_DOCS = "behavior.on.malformed.documents";
  public static final String WRITE_METHOD = "write.method";

  /** The enums of the real config; values are compared case-insensitively, as its EnumRecommender does. */
  public enum BehaviorOnNullValues { IGNORE, DELETE, FAIL }

  public enum BehaviorOnMalformedDoc { IGNORE, WARN, FAIL }

  public enum WriteMethod { INSERT, UPSERT }

  enum DataStreamType { LOGS, METRICS, NONE }

  enum ExternalResourceUsage { INDEX, DATASTREAM, ALIAS_INDEX, ALIAS_DATASTREAM, DISABLED }

  /** Accepts any case of an enum constant's name; the message lists the allowed values. */
  static final class OneOf implements ConfigDef.Validator {
    private final List<String> allowed;

    OneOf(Class<? extends Enum<?>> type) {
      this.allowed = Arrays.stream(type.getEnumConstants())
          .map(e -> e.name().toLowerCase(Locale.ROOT))
          .collect(Collectors.toList());
    }

    @Override
    public void ensureValid(String name, Object value) {
      if (value != null && !allowed.contains(value.toString().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(name, value, "Value must be one of: " + String.join(", ", allowed));
      }
    }

    @Override
    public String toString() {
      return allowed.toString();
    }
  }

  /** The real connector requires the list and parses every entry as a URI. */
  static final class UrlList implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        throw new ConfigException(name, null, "The config must be provided and non-null.");
      }
      for (Object url : (List<?>) value) {
        try {
          new URI(url.toString());
        } catch (URISyntaxException e) {
          throw new ConfigException(name, value, "The provided url '" + url + "' is not a valid url.");
        }
      }
    }

    @Override
    public String toString() {
      return "List of valid URIs.";
    }
  }

  private static ConfigDef.Range between(long min, long max) {
    return ConfigDef.Range.between(min, max);
  }

  public static final ConfigDef CONFIG = new ConfigDef()
      // Connector group.
      .define(CONNECTION_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new UrlList(), Importance.HIGH,
          "Elasticsearch HTTP URLs; the stand-in writes to the first.")
      .define(CONNECTION_USERNAME, Type.STRING, null, Importance.MEDIUM, "Basic-auth user.")
      .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Basic-auth password.")
      .define("external.resource.usage", Type.STRING, ExternalResourceUsage.DISABLED.name(),
          new OneOf(ExternalResourceUsage.class), Importance.LOW, "Not implemented by the stand-in.")
      .define("topic.to.external.resource.mapping", Type.LIST, "", Importance.LOW, "Not implemented by the stand-in.")
      .define("max.external.resource.mappings", Type.INT, 15, ConfigDef.Range.atLeast(1), Importance.LOW,
          "Not implemented by the stand-in.")
      .define("data.stream.type", Type.STRING, DataStreamType.NONE.name(), new OneOf(DataStreamType.class),
          Importance.LOW, "Only NONE (indices) is implemented by the stand-in.")
      .define("data.stream.dataset", Type.STRING, "", Importance.LOW, "Not implemented by the stand-in.")
      .define("data.stream.namespace", Type.STRING, "${topic}", Importance.LOW, "Not implemented by the stand-in.")
      .define("data.stream.timestamp.field", Type.LIST, "", Importance.LOW, "Not implemented by the stand-in.")
      .define(BATCH_SIZE, Type.INT, 2000, between(1, 1_000_000), Importance.MEDIUM, "Actions per _bulk request.")
      .define("bulk.size.bytes", Type.LONG, 5L * 1024 * 1024, between(-1, Integer.MAX_VALUE), Importance.LOW,
          "Accepted; the stand-in splits by batch.size only.")
      .define("max.in.flight.requests", Type.INT, 5, between(1, 1000), Importance.MEDIUM,
          "Accepted; the stand-in sends one request at a time.")
      .define("max.buffered.records", Type.INT, 20000, between(1, Integer.MAX_VALUE), Importance.LOW, "Accepted.")
      .define("linger.ms", Type.LONG, 1L, between(0, TimeUnit.DAYS.toMillis(7)), Importance.LOW, "Accepted.")
      .define("flush.timeout.ms", Type.LONG, TimeUnit.MINUTES.toMillis(3),
          between(TimeUnit.SECONDS.toMillis(1), TimeUnit.DAYS.toMillis(7)), Importance.LOW, "Accepted.")
      .define("flush.synchronously", Type.BOOLEAN, false, Importance.LOW,
          "Accepted; the stand-in always writes synchronously in put().")
      .define(MAX_RETRIES, Type.INT, 5, between(0, Integer.MAX_VALUE), Importance.LOW,
          "Retries of a _bulk request that failed to connect or answered 429/5xx.")
      .define(RETRY_BACKOFF_MS, Type.LONG, 100L, between(0, TimeUnit.DAYS.toMillis(1)), Importance.LOW,
          "First retry delay, doubled per attempt.")
      .define("connection.compression", Type.BOOLEAN, false, Importance.LOW, "Accepted.")
      .define("max.connection.idle.time.ms", Type.INT, (int) TimeUnit.MINUTES.toMillis(1),
          between(-1, TimeUnit.DAYS.toMillis(1)), Importance.LOW, "Accepted.")
      .define(CONNECTION_TIMEOUT_MS, Type.INT, 1000, between(0, TimeUnit.HOURS.toMillis(12)), Importance.LOW,
          "Connect timeout of each request.")
      .define(READ_TIMEOUT_MS, Type.INT, 3000, between(0, TimeUnit.DAYS.toMillis(7)), Importance.LOW,
          "Response timeout of each request.")
      // Data conversion group.
      .define(KEY_IGNORE, Type.BOOLEAN, false, Importance.HIGH,
          "true: document id topic+partition+offset; false: the record key.")
      .define(SCHEMA_IGNORE, Type.BOOLEAN, false, Importance.LOW,
          "Accepted; the stand-in never creates mappings from schemas.")
      .define("compact.map.entries", Type.BOOLEAN, true, Importance.LOW, "Accepted.")
      .define(TOPIC_KEY_IGNORE, Type.LIST, "", Importance.LOW, "Topics for which key.ignore is true.")
      .define("topic.schema.ignore", Type.LIST, "", Importance.LOW, "Accepted.")
      .define("drop.invalid.message", Type.BOOLEAN, false, Importance.LOW, "Accepted.")
      .define(BEHAVIOR_ON_NULL_VALUES, Type.STRING, BehaviorOnNullValues.FAIL.name(),
          new OneOf(BehaviorOnNullValues.class), Importance.LOW, "Tombstones: ignore, delete or fail.")
      .define(BEHAVIOR_ON_MALFORMED_DOCS, Type.STRING, BehaviorOnMalformedDoc.FAIL.name(),
          new OneOf(BehaviorOnMalformedDoc.class), Importance.LOW,
          "Documents Elasticsearch rejects: ignore, warn or fail.")
      .define("external.version.header", Type.STRING, "", Importance.LOW, "Not implemented by the stand-in.")
      .define(WRITE_METHOD, Type.STRING, WriteMethod.INSERT.name(), new OneOf(WriteMethod.class), Importance.LOW,
          "insert: index action; upsert: update with doc_as_upsert.")
      .define("use.autogenerated.ids", Type.BOOLEAN, false, Importance.LOW, "Not implemented by the stand-in.");

  public StandinSinkConfig(Map<String, String> props) {
    super(CONFIG, props);
  }

  public BehaviorOnNullValues behaviorOnNullValues() {
    return BehaviorOnNullValues.valueOf(getString(BEHAVIOR_ON_NULL_VALUES).toUpperCase(Locale.ROOT));
  }

  public BehaviorOnMalformedDoc behaviorOnMalformedDocs() {
    return BehaviorOnMalformedDoc.valueOf(getString(BEHAVIOR_ON_MALFORMED_DOCS).toUpperCase(Locale.ROOT));
  }

  public WriteMethod writeMethod() {
    return WriteMethod.valueOf(getString(WRITE_METHOD).toUpperCase(Locale.ROOT));
  }

  public boolean ignoreKey(String topic) {
    return getBoolean(KEY_IGNORE) || getList(TOPIC_KEY_IGNORE).contains(topic);
  }
}
