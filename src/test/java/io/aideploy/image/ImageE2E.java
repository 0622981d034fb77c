package io.aideploy.image;

import static io.aideploy.testing.CiRequirement.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.FreePorts;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The container image the build wrote ({@code target/aideploy-image.tar}, the {@code image}
 * profile's {@code jib:buildTar} on the offline base of {@code scripts/base-image}), proven without
 * a container engine: its layers unpacked into a root file system, its entrypoint run there as its
 * user, as {@code gateway} and {@code operator} against the local control plane.
 */
@ExtendWith(LocalControlPlane.class)
class ImageE2E {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String KUBECONFIG = "/etc/aideploy/kubeconfig";
  private static final HttpClient http = HttpClient.newHttpClient();

  private static Path work;
  private static OciArchive image;
  private static ImageRoot root;

  @BeforeAll
  static void unpackTheImage(LocalControlPlane.Cluster cluster) throws IOException {
    Path archive = cluster.projectDir().resolve("target/aideploy-image.tar");
    required(
        Files.isRegularFile(archive),
        archive
            + " is missing: scripts/base-image build, then mvn package (the image profile turns"
            + " itself on once the base exists)");
    required(
        Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
        "running the image's root file system needs root (mount namespace, chroot, setuid)");
    work = Files.createTempDirectory("aideploy-image");
    image = OciArchive.open(archive, work.resolve("archive"));
    root = ImageRoot.unpack(image, work.resolve("root"));
    root.putSecret(cluster.kubeconfig(), KUBECONFIG);
  }

  @AfterAll
  static void deleteTheRoot() {
    if (work != null) {
      OciArchive.delete(work);
    }
  }

  @Test
  void isLabelledAndRunsTheJarAsANumericNonRootUser() {
    assertThat(image.user()).matches("\\d+:\\d+");
    assertThat(root.uid()).isNotZero();
    assertThat(image.entrypoint()).containsExactly("java", "-jar", "/app/aideploy.jar");
    assertThat(image.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "8081/tcp");
    assertThat(image.labels())
        .containsEntry("org.opencontainers.image.version", buildVersion())
        .containsKeys("org.opencontainers.image.source", "org.opencontainers.image.licenses");
  }

  /** Nothing of the build's clock gets in, so the same sources on the same base, same digest. */
  @Test
  void carriesNoBuildTimeSoTheSameSourcesGiveTheSameDigest() throws IOException {
    assertThat(image.created()).isEqualTo("1970-01-01T00:00:00Z");
    Path jar = root.resolve("/app/aideploy.jar");
    assertThat(Files.getLastModifiedTime(jar).toInstant()).isEqualTo("1970-01-01T00:00:01Z");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      // The project's own entries at project.build.outputTimestamp (the dependencies' keep the
      // times of their released jars).
      assertThat(
              zip.stream()
                  .filter(entry -> entry.getName().startsWith("io/aideploy/"))
                  .map(entry -> entry.getLastModifiedTime().toInstant()))
          .isNotEmpty()
          .containsOnly(Instant.parse(System.getProperty("aideploy.outputTimestamp")));
    }
  }

  @Test
  void holdsTheJarOfThisBuildWhichPrintsItsHelpAndVersion(LocalControlPlane.Cluster cluster)
      throws Exception {
    // Not an archive left from an earlier build.
    assertThat(root.resolve("/app/aideploy.jar"))
        .hasSameBinaryContentAs(cluster.projectDir().resolve("target/aideploy.jar"));

    ImageRoot.Result help = root.run(null);
    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.output()).contains("Usage: aideploy", "gateway", "operator");

    ImageRoot.Result version = root.run(List.of("--version"));
    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).contains("aideploy " + buildVersion());
  }

  @Test
  void gatewayBecomesReadyAgainstTheControlPlaneAsTheImagesUser() throws Exception {
    int gatewayPort = FreePorts.pick();
    int managementPort = FreePorts.pick();
    runUntilReady(
        List.of("gateway", "--gateway-port=" + gatewayPort, "--management-port=" + managementPort),
        managementPort);
  }

  @Test
  void operatorBecomesReadyAgainstTheControlPlaneAsTheImagesUser(KubernetesClient client)
      throws Exception {
    int managementPort = FreePorts.pick();
    String namespace = TestNamespaces.create(client, "image");
    runUntilReady(
        List.of(
            "operator", "--management-port=" + managementPort, "--watch-namespaces=" + namespace),
        managementPort);
  }

  /** Starts the entrypoint with {@code args}, waits for 200 on /readyz, checks who runs it. */
  private static void runUntilReady(List<String> args, int managementPort) throws Exception {
    Path log = Files.createTempFile("image-" + args.get(0), ".log");
    Process process =
        root.start(
            args, Map.of("KUBECONFIG", KUBECONFIG, "AIDEPLOY_BASE_DOMAIN", "apps.image.test"), log);
    try {
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .failFast("the process ended", () -> !process.isAlive())
          .until(() -> readyz(managementPort) == 200);
      String status =
          Files.readString(Path.of("/proc", ImageRoot.entrypointOf(process).pid() + "", "status"));
      // Real, effective, saved and file-system ids, as /proc shows them; no supplementary group.
      assertThat(status)
          .containsPattern(fourTimes("Uid", root.uid()))
          .containsPattern(fourTimes("Gid", root.gid()))
          .containsPattern("(?m)^Groups:\\s*$");
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\n--- log:\n" + Files.readString(log), e);
    } finally {
      ImageRoot.stop(process);
      Files.deleteIfExists(log);
    }
  }

  private static String fourTimes(String field, int id) {
    return "(?m)^" + field + ":\\s+" + id + "\\s+" + id + "\\s+" + id + "\\s+" + id + "$";
  }

  private static int readyz(int port) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The project's version, from the build (failsafe's aideploy.version). */
  private static String buildVersion() {
    String version = System.getProperty("aideploy.version");
    assertThat(version).as("system property aideploy.version").isNotBlank();
    return version;
  }
}
