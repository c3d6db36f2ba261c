package lab.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch 2.19.6 node started from plain classpath jars (tools/opensearch-node/pom.xml), for
 * the lab's local image lab-local/opensearch-node and the integration tests.
 *
 * <p>Why not OpenSearch's own launcher: its distribution (a tarball on a download site this machine
 * cannot reach) loads modules from a directory, each in its own class loader, and runs under a
 * security manager with the policy files the tarball ships. Maven Central has the server and the
 * modules as jars, so this main puts them on one classpath and hands the module classes to the node,
 * the way OpenSearch's own test clusters start a node in a JVM. No security manager is installed
 * and no bootstrap checks run (the plain Node runs none; OpenSearch's launcher adds them): this is a
 * single-node lab engine on a loopback or container port, not a production server.
 *
 * <p>Settings, later ones winning: {@code <home>/config/opensearch.yml} if present; environment
 * variables named like a setting (lower case with a dot, e.g. {@code discovery.type}), as the
 * Elasticsearch image reads them; then {@code -E key=value} arguments. {@code xpack.*} settings are
 * Elasticsearch's and unknown here: they are left out and logged, except
 * {@code xpack.security.enabled=true}, which stops the start (this node has no security at all, so
 * accepting it would pretend to a protection that is not there).
 */
public final class LabOpenSearchNode {

  /** The modules a stock OpenSearch loads that the lab needs: HTTP and transport, analyzers, extra field types. */
  static final Collection<Class<? extends Plugin>> MODULES =
      List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, MapperExtrasPlugin.class);

  /** What the Elasticsearch image takes as a setting from the environment: lower-case dotted names. */
  private static final Pattern SETTING_NAME = Pattern.compile("[a-z0-9_]+(\\.[-a-z0-9_]+)+");

  private LabOpenSearchNode() {}

  /** Node's constructor with plugins is protected: this subclass is the only thing it adds. */
  private static final class ClasspathNode extends Node {
    ClasspathNode(Environment environment) {
      // true: private index settings (index.version.created, ...) stay forbidden, as in production.
      super(environment, MODULES, true);
    }
  }

  /** The settings and what was left out of them, with why. */
  record Assembled(Map<String, String> settings, List<String> ignored) {}

  static Assembled assemble(String[] args, Map<String, String> environment) {
    Map<String, String> settings = new TreeMap<>();
    environment.forEach((name, value) -> {
      if (SETTING_NAME.matcher(name).matches()) settings.put(name, value);
    });
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String pair;
      if (arg.equals("-E") && i + 1 < args.length) pair = args[++i];
      else if (arg.startsWith("-E")) pair = arg.substring(2);
      else throw new IllegalArgumentException("unknown argument '" + arg + "': give settings as -E key=value");
      int at = pair.indexOf('=');
      if (at <= 0) throw new IllegalArgumentException("setting '" + pair + "' is not key=value");
      settings.put(pair.substring(0, at), pair.substring(at + 1));
    }
    List<String> ignored = new ArrayList<>();
    for (String key : List.copyOf(settings.keySet())) {
      if (!key.startsWith("xpack.")) continue;
      String value = settings.remove(key);
      if (key.equals("xpack.security.enabled") && Boolean.parseBoolean(value)) {
        throw new IllegalArgumentException("xpack.security.enabled=true: this OpenSearch node has no security plugin "
            + "(no users, no TLS); set it to false, as the lab does, or run the real Elasticsearch");
      }
      ignored.add(key + "=" + value + " (an Elasticsearch X-Pack setting; OpenSearch has none)");
    }
    return new Assembled(settings, ignored);
  }

  public static void main(String[] args) throws Exception {
    // log4j's own shutdown hook would stop the log while the node is still closing (our hook
    // below); as OpenSearch's launcher does, the log stays open until the JVM ends.
    System.setProperty("log4j2.shutdownHookEnabled", "false");
    Assembled assembled;
    try {
      assembled = assemble(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(64);
      return;
    }
    String home = assembled.settings().get("path.home");
    if (home == null) {
      System.err.println("error: path.home is not set: pass -E path.home=<dir> (config/ and, by default, data/ live there)");
      System.exit(64);
      return;
    }
    Path config = Paths.get(home, "config");
    Files.createDirectories(config);
    Settings.Builder input = Settings.builder();
    assembled.settings().forEach(input::put);
    Environment environment =
        InternalSettingsPreparer.prepareEnvironment(input.build(), Map.of(), config, () -> "lab-opensearch");

    // Logging first, from config/log4j2.properties (the one this project ships), as OpenSearch's launcher does.
    LogConfigurator.registerErrorListener();
    LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
    LogConfigurator.configure(environment);
    for (String line : assembled.ignored()) System.out.println("[lab-opensearch] ignored setting " + line);

    Node node = new ClasspathNode(environment);
    // Every OpenSearch thread is a daemon: this latch keeps the JVM up until a signal ends it.
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        // Flushes and closes the shards, so the next start on the same data replays nothing.
        node.close();
        if (node.awaitClose(30, TimeUnit.SECONDS)) System.out.println("[lab-opensearch] closed");
        else System.err.println("[lab-opensearch] threads still running 30 s after close");
      } catch (Exception e) {
        System.err.println("[lab-opensearch] close failed: " + e);
      } finally {
        stopped.countDown();
      }
    }, "lab-opensearch-shutdown"));
    node.start();
    System.out.println("[lab-opensearch] started OpenSearch " + org.opensearch.Version.CURRENT
        + " with modules " + MODULES.stream().map(Class::getSimpleName).toList());
    stopped.await();
  }
}
