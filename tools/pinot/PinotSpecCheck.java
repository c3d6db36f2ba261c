import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pinot.spi.config.table.TableConfig;
import org.apache.pinot.spi.config.table.TableType;
import org.apache.pinot.spi.data.DateTimeFieldSpec;
import org.apache.pinot.spi.data.Schema;
import org.apache.pinot.spi.stream.StreamConfig;
import org.apache.pinot.spi.utils.IngestionConfigUtils;
import org.apache.pinot.spi.utils.JsonUtils;

/**
 * Reads a Pinot schema and table config (the files the stack's pinot RestObject sends) with Pinot's
 * own classes, as the controller does, and checks what the controller would otherwise only find at
 * deploy time: every key is one Pinot knows (Jackson ignores unknown ones, the controller merely
 * lists them as "unrecognizedProperties"), the schema is valid, the time column is a date-time
 * field of the schema with a parseable format, and each stream config is complete.
 *
 * Usage: java -cp <pinot-spi and its dependencies>:<classes> PinotSpecCheck schema.json table.json
 * Prints one "ok: ..." line per check; on the first problem prints "invalid: ..." and exits 1.
 */
public final class PinotSpecCheck {
  private PinotSpecCheck() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: PinotSpecCheck <schema.json> <table-config.json>");
      System.exit(2);
    }
    try {
      check(Files.readString(Path.of(args[0])), Files.readString(Path.of(args[1])));
    } catch (Exception e) {
      System.out.println("invalid: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      System.exit(1);
    }
  }

  private static void check(String schemaJson, String tableJson) throws Exception {
    Schema schema = Schema.fromString(schemaJson);
    schema.validate();
    requireKnownKeys("schema", JsonUtils.stringToJsonNode(schemaJson), schema.toJsonObject());
    System.out.println("ok: schema " + schema.getSchemaName() + " with columns " + schema.getColumnNames());

    TableConfig table = JsonUtils.stringToObject(tableJson, TableConfig.class);
    requireKnownKeys("table config", JsonUtils.stringToJsonNode(tableJson), table.toJsonNode());
    String raw = table.getTableName().replaceAll("_(REALTIME|OFFLINE)$", "");
    if (!raw.equals(schema.getSchemaName())) {
      throw new IllegalArgumentException("table " + raw + " would look for schema " + raw + ", not " + schema.getSchemaName());
    }
    if (table.getTableType() != TableType.REALTIME) {
      throw new IllegalArgumentException("table type is " + table.getTableType() + ", not REALTIME");
    }
    String timeColumn = table.getValidationConfig().getTimeColumnName();
    DateTimeFieldSpec time = schema.getSpecForTimeColumn(timeColumn);
    if (time == null) {
      throw new IllegalArgumentException("time column " + timeColumn + " is not a date-time field of the schema");
    }
    System.out.println("ok: time column " + timeColumn + " " + time.getDataType() + " " + time.getFormatSpec().getTimeFormat()
        + " in " + time.getFormatSpec().getColumnUnit() + ", granularity " + time.getGranularitySpec().granularityToMillis() + " ms");

    String withType = raw + "_" + table.getTableType();
    List<Map<String, String>> streams = IngestionConfigUtils.getStreamConfigMaps(table);
    for (Map<String, String> map : streams) {
      StreamConfig stream = new StreamConfig(withType, map);
      System.out.println("ok: stream " + stream.getType() + " topic " + stream.getTopicName() + " consumer factory "
          + stream.getConsumerFactoryClassName() + " decoder " + stream.getDecoderClass() + " offset "
          + stream.getOffsetCriteria().getOffsetString());
    }
  }

  /** Every object key of `given` that holds something must survive Pinot's parse and serialization: a dropped key was not recognized. */
  private static void requireKnownKeys(String what, JsonNode given, JsonNode parsed) {
    List<String> unknown = new ArrayList<>();
    collectUnknown("", given, parsed, unknown);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(what + " has keys Pinot does not know: " + unknown);
    }
  }

  private static void collectUnknown(String path, JsonNode given, JsonNode parsed, List<String> unknown) {
    if (given.isObject()) {
      for (Iterator<String> names = given.fieldNames(); names.hasNext();) {
        String name = names.next();
        JsonNode counterpart = parsed == null ? null : parsed.get(name);
        boolean empty = given.get(name).isContainerNode() && given.get(name).isEmpty();
        // An empty list or object says nothing, and Pinot leaves it out when it serializes.
        if (counterpart == null && !empty) {
          unknown.add(path + name);
        } else if (counterpart != null) {
          collectUnknown(path + name + ".", given.get(name), counterpart, unknown);
        }
      }
    } else if (given.isArray() && parsed != null && parsed.isArray()) {
      for (int i = 0; i < given.size() && i < parsed.size(); i++) {
        collectUnknown(path + i + ".", given.get(i), parsed.get(i), unknown);
      }
    }
  }
}
