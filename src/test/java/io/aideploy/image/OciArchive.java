package io.aideploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI image archive as {@code jib:buildTar} writes it (an image layout in a tar: {@code
 * index.json}, {@code blobs/sha256/…}), unpacked into a directory. Every blob it reads is checked
 * against its digest, as a registry or a container runtime would.
 */
final class OciArchive {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final JsonNode image;
  private final JsonNode config;
  private final List<Path> layers = new ArrayList<>();

  private OciArchive(Path dir) throws IOException {
    this.dir = dir;
    JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
    if (index.path("manifests").size() != 1) {
      throw new IllegalStateException("expected one manifest in index.json: " + index);
    }
    JsonNode manifest = JSON.readTree(blob(index.path("manifests").get(0)).toFile());
    this.image = JSON.readTree(blob(manifest.path("config")).toFile());
    this.config = image.path("config");
    for (JsonNode layer : manifest.path("layers")) {
      if (!layer.path("mediaType").asText().endsWith(".tar+gzip")) {
        throw new IllegalStateException("not a gzipped tar layer: " + layer);
      }
      layers.add(blob(layer));
    }
  }

  /** Unpacks {@code archive} into {@code dir} (created) and reads its one image. */
  static OciArchive open(Path archive, Path dir) throws IOException {
    Files.createDirectories(dir);
    run(dir, "tar", "-xf", archive.toString(), "-C", dir.toString());
    return new OciArchive(dir);
  }

  /** When the image says it was made. */
  String created() {
    return image.path("created").asText();
  }

  /** The image's {@code User}, as {@code uid:gid} (the chart's runAsNonRoot needs numbers). */
  String user() {
    return config.path("User").asText();
  }

  List<String> entrypoint() {
    return strings(config.path("Entrypoint"));
  }

  /** The default arguments ({@code Cmd}). */
  List<String> cmd() {
    return strings(config.path("Cmd"));
  }

  String workingDir() {
    return config.path("WorkingDir").asText("/");
  }

  /** {@code Env} as a map, in the image's order. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : strings(config.path("Env"))) {
      int equals = entry.indexOf('=');
      env.put(entry.substring(0, equals), entry.substring(equals + 1));
    }
    return env;
  }

  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    config
        .path("Labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  List<String> exposedPorts() {
    List<String> ports = new ArrayList<>();
    config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    return ports;
  }

  /**
   * Lays the layers one over the other into {@code root} (created), as root so that owners, modes
   * and the device nodes of the base come out as in a container. A layer's whiteouts ({@code
   * .wh.NAME}, {@code .wh..wh..opq}) delete what the layers below put there.
   */
  void unpack(Path root) throws IOException {
    Files.createDirectories(root);
    for (Path layer : layers) {
      for (String entry :
          run(dir, "tar", "-tzf", layer.toString(), "--warning=no-unknown-keyword")
              .output()
              .split("\n")) {
        applyWhiteout(root, entry);
      }
      run(
          dir,
          "tar",
          "-xzf",
          layer.toString(),
          "-C",
          root.toString(),
          "--numeric-owner",
          "--same-permissions",
          "--exclude=.wh.*",
          "--warning=no-unknown-keyword");
    }
  }

  private static void applyWhiteout(Path root, String entry) {
    Path path = Path.of(entry).normalize();
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (!name.startsWith(".wh.")) {
      return;
    }
    Path parent = root.resolve(path).getParent();
    if (!parent.normalize().startsWith(root)) {
      throw new IllegalStateException("whiteout outside the root: " + entry);
    }
    if (name.equals(".wh..wh..opq")) {
      // Opaque directory: nothing below shows through; the directory itself stays.
      run(root, "find", parent.toString(), "-mindepth", "1", "-delete");
    } else {
      delete(parent.resolve(name.substring(".wh.".length())));
    }
  }

  /** Deletes {@code path} without crossing into another file system (a leftover mount). */
  static void delete(Path path) {
    run(path.getParent(), "rm", "-rf", "--one-file-system", path.toString());
  }

  private Path blob(JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalStateException("unexpected digest " + digest);
    }
    Path blob = dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    String actual = "sha256:" + sha256(blob);
    if (!actual.equals(digest)) {
      throw new IllegalStateException(blob + " has digest " + actual + ", not " + digest);
    }
    return blob;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static List<String> strings(JsonNode array) {
    List<String> strings = new ArrayList<>();
    array.forEach(node -> strings.add(node.asText()));
    return strings;
  }

  private static CommandResult run(Path dir, String... command) {
    CommandResult result = CommandResult.run(dir, List.of(command));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + result.output());
    }
    return result;
  }
}
