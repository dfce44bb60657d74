package messenger;

import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import messenger.metrics.Metrics;

import java.util.List;
import java.util.function.Supplier;

/**
 * The fat jar's entry point: Vert.x's own launcher (so {@code -conf}, {@code -cluster}, {@code -instances}
 * work as documented) with Micrometer metrics switched on, since metrics can only be enabled when Vert.x
 * is created. Vert.x's meters and Messenger's own share one Prometheus registry, served on {@code /metrics}.
 */
public final class Main implements VertxApplicationHooks {

  private static final String NETTY_JFR = "io.netty.jfr.enabled";

  public static void main(String[] args) {
    if (List.of(args).contains("-cluster") && !onClassPath("io.vertx.spi.cluster.hazelcast.HazelcastClusterManager")) {
      // The fat jar leaves Hazelcast out (16.5 MB): its manifest names lib/*.jar beside it instead.
      System.err.println("-cluster needs the Hazelcast cluster manager: lib/vertx-hazelcast.jar and lib/hazelcast.jar "
        + "beside messenger.jar (./mvnw package puts them in target/lib/).");
      System.exit(1);
    }
    // Netty's buffer allocator reports to JFR wherever JFR exists: the first connection then sets up JFR's event
    // machinery (some 80 classes and generated code), 0.1-0.2 s of CPU on the start path, for events that a JFR
    // recording rarely asks for. -Dio.netty.jfr.enabled=true brings them back.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    int exitCode = new VertxApplication(args, new Main()).launch();
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  private static boolean onClassPath(String className) {
    try {
      Class.forName(className, false, Main.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    // The JVM's meters are bound once the app is up (MainVerticle), not on the start path.
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(Metrics.newRegistry()));
  }

  /** The launcher finds {@code Main-Verticle} only when it is itself the jar's {@code Main-Class}. */
  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return MainVerticle::new;
  }
}
