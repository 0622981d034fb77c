package io.aideploy.gateway;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code grpcurl} that {@code scripts/local-cluster build} puts next to the control-plane
 * binaries, told the ext_authz schema by a protoset made from the same generated classes the
 * gateway serves (the gateway runs no reflection service). Requests and answers go as protobuf
 * text.
 */
final class Grpcurl {
  private final Path binary;
  private final Path protoset;

  private Grpcurl(Path binary, Path protoset) {
    this.binary = binary;
    this.protoset = protoset;
  }

  /**
   * grpcurl. Missing, it fails the test under CI (where {@code .ci/run} builds it) and skips it
   * elsewhere, saying how to get it.
   */
  static Grpcurl required() {
    Path projectDir = LocalControlPlane.projectDir();
    CommandResult bin =
        CommandResult.run(
            projectDir, List.of(projectDir.resolve("scripts/local-cluster").toString(), "bin"));
    Path grpcurl = Path.of(bin.output().strip()).resolve("grpcurl");
    boolean found = bin.exitCode() == 0 && Files.isExecutable(grpcurl);
    String missing = "no grpcurl in scripts/local-cluster bin (run scripts/local-cluster build)";
    if (!found && System.getenv("CI") != null) {
      throw new AssertionError(missing);
    }
    Assumptions.assumeTrue(found, missing);
    try {
      Path protoset = Files.createTempFile("aideploy-ext-authz", ".protoset");
      protoset.toFile().deleteOnExit();
      Files.write(protoset, schema().toByteArray());
      return new Grpcurl(grpcurl, protoset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One {@code Authorization/Check} call over plaintext HTTP/2 to {@code 127.0.0.1:port}. */
  CheckResponse check(int port, CheckRequest request) {
    CommandResult result =
        CommandResult.run(
            Path.of("."),
            List.of(
                binary.toString(),
                "-plaintext",
                "-format",
                "text",
                "-protoset",
                protoset.toString(),
                "-d",
                TextFormat.printer().printToString(request),
                "127.0.0.1:" + port,
                "envoy.service.auth.v3.Authorization/Check"));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("grpcurl failed: " + result.output());
    }
    try {
      return TextFormat.parse(result.output(), CheckResponse.class);
    } catch (TextFormat.ParseException e) {
      throw new IllegalStateException(
          "grpcurl answered what is no CheckResponse: " + result.output(), e);
    }
  }

  /** external_auth.proto and every file it imports, imports first. */
  private static FileDescriptorSet schema() {
    Set<FileDescriptor> ordered = new LinkedHashSet<>();
    add(CheckRequest.getDescriptor().getFile(), ordered);
    FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
    ordered.forEach(file -> set.addFile(file.toProto()));
    return set.build();
  }

  private static void add(FileDescriptor file, Set<FileDescriptor> ordered) {
    if (ordered.contains(file)) {
      return;
    }
    file.getDependencies().forEach(dependency -> add(dependency, ordered));
    ordered.add(file);
  }
}
