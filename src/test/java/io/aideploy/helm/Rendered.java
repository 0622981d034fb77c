package io.aideploy.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

/** The objects of one {@code helm template} run, as YAML documents parsed by fabric8. */
record Rendered(List<String> documents) {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  static Rendered parse(String output) {
    return new Rendered(
        Arrays.stream(output.split("(?m)^---\\s*$"))
            .filter(doc -> doc.lines().anyMatch(line -> line.startsWith("kind:")))
            .toList());
  }

  List<GenericKubernetesResource> all() {
    return documents.stream()
        .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class))
        .toList();
  }

  List<String> kinds() {
    return all().stream().map(HasMetadata::getKind).sorted().toList();
  }

  /** Every object of {@code type}'s kind, typed. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    String kind = HasMetadata.getKind(type);
    return documents.stream()
        .filter(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class).getKind().equals(kind))
        .map(doc -> YAML.unmarshal(doc, type))
        .toList();
  }

  /** The object of {@code type}'s kind named {@code name}. */
  <T extends HasMetadata> T get(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name));
  }
}
