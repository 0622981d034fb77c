package io.aideploy.gateway;

import io.aideploy.testing.LocalControlPlane;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mesh configuration docs/istio.md tells people to install, read from the page itself, so that
 * the request a test makes as Istio is the one the documented configuration makes Istio send.
 */
final class IstioMeshConfig {
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

  private IstioMeshConfig() {}

  /** The extension provider named {@code name} in the page's {@code meshConfig} block. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> provider(String name) {
    String page;
    try {
      page = Files.readString(LocalControlPlane.projectDir().resolve("docs/istio.md"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read docs/istio.md", e);
    }
    Matcher block = YAML_BLOCK.matcher(page);
    while (block.find()) {
      if (block.group(1).startsWith("meshConfig:")) {
        Map<String, Object> yaml = Serialization.unmarshal(block.group(1), Map.class);
        Map<String, Object> mesh = (Map<String, Object>) yaml.get("meshConfig");
        return ((List<Map<String, Object>>) mesh.get("extensionProviders"))
            .stream()
                .filter(p -> name.equals(p.get("name")))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError("docs/istio.md declares no extension provider " + name));
      }
    }
    throw new AssertionError("docs/istio.md has no meshConfig block");
  }
}
