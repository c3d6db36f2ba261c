package io.confluent.connect.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confluent.connect.elasticsearch.StandinSinkConfig.BehaviorOnMalformedDoc;
import io.confluent.connect.elasticsearch.StandinSinkConfig.BehaviorOnNullValues;
import io.confluent.connect.elasticsearch.StandinSinkConfig.WriteMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STAND-IN task of the Elasticsearch sink (see {@link ElasticsearchSinkConnector}): writes each
 * batch that put() receives to Elasticsearch's _bulk API before returning, so that the offsets the
 * worker commits after put() are only those of written records.
 *
 * <p>Per record, as the real connector documents it: the index is the record's topic (after the
 * worker's transforms); the id is topic+partition+offset when key.ignore (or topic.key.ignore)
 * applies, else the record key as a string, with the offset as an external version; a null value
 * is skipped, deleted or fails per behavior.on.null.values; write.method=upsert sends an update with
 * doc_as_upsert. A document Elasticsearch rejects is handled per behavior.on.malformed.documents;
 * a version conflict (an older offset arriving after a newer one) is not an error, as in the real one.
 */
public class ElasticsearchSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkTask.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private StandinSinkConfig config;
  private HttpClient http;
  private URI bulkUri;
  private String authorization;
  private JsonConverter valueToJson;

  @Override
  public String version() {
    return ElasticsearchSinkConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new StandinSinkConfig(props);
    String base = config.getList(StandinSinkConfig.CONNECTION_URL).get(0).replaceAll("/+$", "");
    bulkUri = URI.create(base + "/_bulk");
    http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(Math.max(1, config.getInt(StandinSinkConfig.CONNECTION_TIMEOUT_MS))))
        .build();
    String user = config.getString(StandinSinkConfig.CONNECTION_USERNAME);
    Password password = config.getPassword(StandinSinkConfig.CONNECTION_PASSWORD);
    if (user != null && password != null) {
      String token = user + ":" + password.value();
      authorization = "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }
    // Documents are the value as schemaless JSON, whatever converter produced it (schema.ignore semantics).
    valueToJson = new JsonConverter();
    valueToJson.configure(Map.of("schemas.enable", "false", "converter.type", "value"));
    log.warn("Elasticsearch sink task STAND-IN {} writing to {} (not Confluent's connector)", version(), bulkUri);
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    List<String> lines = new ArrayList<>();
    int actions = 0;
    int batchSize = config.getInt(StandinSinkConfig.BATCH_SIZE);
    for (SinkRecord record : records) {
      if (appendAction(record, lines)) {
        actions++;
      }
      if (actions >= batchSize) {
        send(lines, actions);
        lines.clear();
        actions = 0;
      }
    }
    if (actions > 0) {
      send(lines, actions);
    }
  }

  /** Adds the bulk lines of one record; false when the record is skipped. */
  private boolean appendAction(SinkRecord record, List<String> lines) {
    String index = record.topic();
    boolean ignoreKey = config.ignoreKey(index);
    String id = ignoreKey
        ? record.topic() + "+" + record.kafkaPartition() + "+" + record.kafkaOffset()
        : keyAsId(record);
    ObjectNode meta = JSON.createObjectNode();
    ObjectNode target = meta.putObject("index");
    if (record.value() == null) {
      BehaviorOnNullValues behavior = config.behaviorOnNullValues();
      if (behavior == BehaviorOnNullValues.IGNORE) {
        return false;
      }
      if (behavior == BehaviorOnNullValues.FAIL) {
        throw new DataException("Sink record with key " + record.key() + " and null value in " + record.topic() + "-"
            + record.kafkaPartition() + "@" + record.kafkaOffset()
            + " is invalid: behavior.on.null.values=fail; set it to ignore or delete to accept tombstones");
      }
      if (id == null) {
        log.debug("tombstone without key at {}-{}@{} skipped", record.topic(), record.kafkaPartition(), record.kafkaOffset());
        return false;
      }
      meta.removeAll();
      target = meta.putObject("delete");
    } else if (config.writeMethod() == WriteMethod.UPSERT) {
      meta.removeAll();
      target = meta.putObject("update");
    }
    target.put("_index", index);
    target.put("_id", id);
    boolean delete = meta.has("delete");
    boolean update = meta.has("update");
    if (!ignoreKey && !update) {
      // The real connector versions keyed writes by offset, so a replayed older record cannot win.
      target.put("version", record.kafkaOffset());
      target.put("version_type", "external");
    }
    lines.add(meta.toString());
    if (!delete) {
      String document = documentOf(record);
      lines.add(update ? "{\"doc\":" + document + ",\"doc_as_upsert\":true}" : document);
    }
    return true;
  }

  private static String keyAsId(SinkRecord record) {
    Object key = record.key();
    if (key == null) {
      throw new DataException("Key is used as document id and can not be null (record " + record.topic() + "-"
          + record.kafkaPartition() + "@" + record.kafkaOffset() + "): set key.ignore=true or give the records keys");
    }
    Schema.Type type = record.keySchema() == null ? null : record.keySchema().type();
    boolean primitive = key instanceof String || key instanceof Number || key instanceof Boolean;
    if (!primitive || type == Schema.Type.BYTES || type == Schema.Type.STRUCT || type == Schema.Type.MAP
        || type == Schema.Type.ARRAY) {
      throw new DataException("Key is used as document id and can not be of type " + (type == null ? key.getClass().getSimpleName() : type)
          + " (record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset()
          + "): cast it to a string with a transform, or set key.ignore=true");
    }
    return String.valueOf(key);
  }

  private String documentOf(SinkRecord record) {
    byte[] bytes = valueToJson.fromConnectData(record.topic(), record.valueSchema(), record.value());
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** POSTs one _bulk request, retrying connection failures, 429 and 5xx per max.retries. */
  private void send(List<String> lines, int actions) {
    String body = String.join("\n", lines) + "\n";
    int maxRetries = config.getInt(StandinSinkConfig.MAX_RETRIES);
    long backoff = config.getLong(StandinSinkConfig.RETRY_BACKOFF_MS);
    for (int attempt = 0; ; attempt++) {
      String problem;
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(bulkUri)
            .timeout(Duration.ofMillis(Math.max(1, config.getInt(StandinSinkConfig.READ_TIMEOUT_MS))))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
          request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200) {
          checkItems(response.body());
          log.debug("bulk request of {} actions written to {}", actions, bulkUri);
          return;
        }
        problem = "POST " + bulkUri + " answered " + status + ": " + abbreviate(response.body());
        if (status != 429 && status < 500) {
          throw new ConnectException(problem + " (not retried: the request itself was refused)");
        }
      } catch (IOException e) {
        problem = "POST " + bulkUri + " failed: " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectException("interrupted while writing to " + bulkUri, e);
      }
      if (attempt >= maxRetries) {
        throw new ConnectException(problem + " after " + (attempt + 1) + " attempts (max.retries=" + maxRetries
            + "); is Elasticsearch at connection.url running?");
      }
      log.warn("{}; retry {} of {} in {} ms", problem, attempt + 1, maxRetries, backoff);
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ConnectException("interrupted while waiting to retry " + bulkUri, e);
      }
      backoff = Math.min(backoff * 2, 60_000);
    }
  }

  /** Applies behavior.on.malformed.documents to the items Elasticsearch rejected. */
  private void checkItems(String responseBody) throws IOException {
    JsonNode response = JSON.readTree(responseBody);
    if (!response.path("errors").asBoolean(false)) {
      return;
    }
    BehaviorOnMalformedDoc behavior = config.behaviorOnMalformedDocs();
    for (JsonNode item : response.path("items")) {
      JsonNode result = item.elements().hasNext() ? item.elements().next() : JSON.createObjectNode();
      JsonNode error = result.path("error");
      if (error.isMissingNode() || error.isNull()) {
        continue;
      }
      if ("version_conflict_engine_exception".equals(error.path("type").asText())) {
        log.debug("ignoring version conflict for {}: a newer offset was already written", result.path("_id").asText());
        continue;
      }
      String reason = "Elasticsearch rejected document " + result.path("_index").asText() + "/" + result.path("_id").asText()
          + ": " + error.path("type").asText() + ": " + error.path("reason").asText();
      if (behavior == BehaviorOnMalformedDoc.FAIL) {
        throw new ConnectException(reason + " (behavior.on.malformed.documents=fail; set warn or ignore to skip such documents)");
      }
      if (behavior == BehaviorOnMalformedDoc.WARN) {
        log.warn("{}; skipped (behavior.on.malformed.documents=warn)", reason);
      }
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }

  @Override
  public void stop() {
    // HttpClient needs no explicit close on Java 17.
  }
}
