package messenger;

import messenger.testing.JarInstance;
import messenger.testing.TestApp;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fat jar carries and what it leaves beside itself: Hazelcast, needed only with {@code -cluster},
 * is in {@code target/lib/} (named by the jar's Class-Path; {@code ClusterIT} runs it), not inside.
 */
class FatJarContentsIT {

  @Test
  void theJarLeavesTheClusterManagerBesideItAndUnusedDataOut() throws Exception {
    try (JarFile jar = new JarFile(JarInstance.JAR.toFile())) {
      List<String> names = jar.stream().map(ZipEntry::getName).toList();
      assertThat(names).as("Hazelcast").noneMatch(n -> n.startsWith("com/hazelcast/") || n.startsWith("io/vertx/spi/cluster/"));
      assertThat(names).as("protobuf exposition").noneMatch(n -> n.contains("/shaded/com_google_protobuf"));
      assertThat(names).as("ICU's locale data").noneMatch(n -> n.startsWith("com/ibm/icu/impl/data/icudata/coll/"));
      assertThat(names).contains("com/ibm/icu/impl/data/icudata/confusables.cfu");

      String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
      assertThat(classPath).isEqualTo("lib/vertx-hazelcast.jar lib/hazelcast.jar");
      Path dir = JarInstance.JAR.toAbsolutePath().getParent();
      for (String entry : classPath.split(" ")) {
        assertThat(dir.resolve(entry)).exists();
      }
    }
  }

  @Test
  void clusterWithoutTheClusterManagerSaysWhatIsMissing() throws Exception {
    Path alone = Files.createTempDirectory("messenger-alone");
    Path jar = Files.copy(JarInstance.JAR, alone.resolve("messenger.jar"));
    Path log = alone.resolve("out.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-jar", jar.toString(), "-cluster").redirectErrorStream(true).redirectOutput(log.toFile());
    // Should it start after all: on free ports, and against no broker.
    builder.environment().put("HTTP_PORT", String.valueOf(TestApp.freePort()));
    builder.environment().put("MONITORING_PORT", String.valueOf(TestApp.freePort()));
    builder.environment().put("RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:1");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exits at once").isTrue();
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(Files.readString(log)).contains("-cluster needs the Hazelcast cluster manager: lib/vertx-hazelcast.jar");
    } finally {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
      Files.deleteIfExists(jar);
      Files.deleteIfExists(alone);
    }
  }
}
