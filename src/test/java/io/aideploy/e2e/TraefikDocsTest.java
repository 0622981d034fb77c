package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aideploy.examples.DocBlock;
import io.aideploy.testing.LocalControlPlane;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/traefik.md and docs/traefik-gateway-api.md show exactly the configuration that {@link
 * TraefikProcess} gives Traefik in the E2E tests (compared as YAML, with the pages' placeholders
 * filled in): the pages cannot drift from what is tested.
 */
class TraefikDocsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String ADDRESS = "127.211.7.1";
  private static final int PORT = 9999;
  private static final String NAMESPACE = "team-a";

  @Test
  void traefikMdShowsTheConfigurationOfTraefikIngressE2E() throws IOException {
    JsonNode expected =
        tree(
            TraefikProcess.staticConfiguration(
                ADDRESS,
                PORT,
                TraefikProcess.ingressNginxProvider(NAMESPACE),
                Path.of("dynamic.yml")));
    assertThat(docBlock("docs/traefik.md", "global:")).isEqualTo(expected);
    assertThat(docBlock("docs/traefik.md", "tls:"))
        .isEqualTo(
            tree(TraefikProcess.dynamicConfiguration(Path.of("tls.crt"), Path.of("tls.key"))));
  }

  @Test
  void traefikGatewayApiMdShowsTheProvidersAndEntryPointOfTraefikGatewayApiE2E()
      throws IOException {
    JsonNode whole =
        tree(
            TraefikProcess.staticConfiguration(
                ADDRESS,
                PORT,
                TraefikProcess.gatewayApiProviders(NAMESPACE),
                Path.of("dynamic.yml")));
    // The page shows the https entrypoint and the providers; the rest is traefik.md's.
    ObjectNode expected = YAML.createObjectNode();
    expected.putObject("entryPoints").set("websecure", whole.at("/entryPoints/websecure"));
    ObjectNode providers = ((ObjectNode) whole.get("providers")).deepCopy();
    providers.remove("file");
    expected.set("providers", providers);
    assertThat(docBlock("docs/traefik-gateway-api.md", "entryPoints:")).isEqualTo(expected);
  }

  /** The page's yaml block that starts with {@code firstLine}, placeholders filled in. */
  private static JsonNode docBlock(String page, String firstLine) throws IOException {
    String text =
        DocBlock.of(LocalControlPlane.projectDir(), page).stream()
            .filter(b -> b.language().equals("yaml") && b.text().startsWith(firstLine))
            .findFirst()
            .orElseThrow(() -> new AssertionError(page + " has no yaml block " + firstLine))
            .text();
    return tree(
        text.replace("<address>", ADDRESS)
            .replace("<port>", Integer.toString(PORT))
            .replace("<namespace>", NAMESPACE));
  }

  private static JsonNode tree(String yaml) throws IOException {
    return YAML.readTree(yaml);
  }
}
