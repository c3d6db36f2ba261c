package io.confluent.connect.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STAND-IN for Confluent's Elasticsearch sink connector, NOT the real connector.
 *
 * <p>Confluent's connector comes from Confluent Hub, which this lab's build machine cannot reach.
 * So that the deploy rehearsal runs the sink path end to end, this class carries the real
 * connector's class name, accepts the configuration keys the stack sends (validated against the
 * real connector's documented definitions, {@link StandinSinkConfig}), and its task writes every
 * record it reads (after the worker's real converters and transforms) to {@code connection.url}
 * through Elasticsearch's _bulk API. It creates no indices or mappings, knows no data streams,
 * security, proxies or external versions beyond offsets, and sends one request at a time.
 *
 * <p>It says what it is: {@link #version()} ends in {@code -standin}, and start() logs a warning.
 */
public class ElasticsearchSinkConnector extends SinkConnector {
  private static final Logger log = LoggerFactory.getLogger(ElasticsearchSinkConnector.class);

  /** The version the image build wrote into the jar (the pinned real version + "-standin"). */
  static final String VERSION = readVersion();

  private Map<String, String> props;

  private static String readVersion() {
    try (InputStream in = ElasticsearchSinkConnector.class.getResourceAsStream("/es-sink-standin.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown-standin");
    } catch (IOException e) {
      return "unknown-standin";
    }
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    // Parsing here fails the connector with the config error, as the real connector does.
    new StandinSinkConfig(props);
    this.props = new HashMap<>(props);
    log.warn("Elasticsearch sink STAND-IN {} started: this is not Confluent's connector; it writes records "
        + "to {} with the _bulk API only (scripts/local-images/connect/es-sink-standin)", VERSION,
        props.get(StandinSinkConfig.CONNECTION_URL));
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ElasticsearchSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    return configs;
  }

  @Override
  public void stop() {
    // Nothing to release: the tasks own their HTTP clients.
  }

  @Override
  public ConfigDef config() {
    return StandinSinkConfig.CONFIG;
  }
}
