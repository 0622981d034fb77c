package io.aideploy.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed {@code crds/} must equal what the build generates from the model in {@code
 * target/crds}; regenerate with {@code mvn -Pupdate-crds process-classes}.
 */
class CrdsUpToDateTest {
  static final Path COMMITTED = Path.of("crds");
  static final Path GENERATED = Path.of("target/crds");

  @Test
  void committedCrdsMatchTheModel() {
    assertThat(differences(COMMITTED, GENERATED))
        .as("crds/ is stale: run mvn -Pupdate-crds process-classes and commit crds/")
        .isEmpty();
  }

  @Test
  void aModelChangeWithoutRegeneratingIsCaught(@TempDir Path changed) {
    new CRDGenerator()
        .customResourceClasses(ChangedAiApp.class, AiToken.class)
        .inOutputDir(changed.toFile())
        .generate();
    assertThat(differences(COMMITTED, changed)).containsExactly("aiapps.aideploy.io-v1.yml");
  }

  /** File names whose content differs, or that exist in only one of the two directories. */
  static List<String> differences(Path committed, Path generated) {
    Set<String> names = new TreeSet<>(names(committed));
    names.addAll(names(generated));
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      if (!read(committed.resolve(name)).equals(read(generated.resolve(name)))) {
        differing.add(name);
      }
    }
    return differing;
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "<missing>";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The AiApp kind as a model change would leave it: one field more, CRDs not regenerated. */
  @Group(AiApp.GROUP)
  @Version(AiApp.VERSION)
  @Kind("AiApp")
  @Plural("aiapps")
  static class ChangedAiApp extends CustomResource<ChangedSpec, AiAppStatus>
      implements Namespaced {}

  static class ChangedSpec extends AiAppSpec {
    public String newField;
  }
}
