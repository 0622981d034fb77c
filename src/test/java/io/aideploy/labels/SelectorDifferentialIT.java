package io.aideploy.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real API server and {@link Selector} agree on every selector: both refuse it, or both accept
 * it and select the same AiApps.
 */
@ExtendWith(LocalControlPlane.class)
class SelectorDifferentialIT {
  private static String namespace;

  /** Labels of the created apps, as the API server stored them. */
  private static final Map<String, Map<String, String>> APPS = new LinkedHashMap<>();

  @BeforeAll
  static void createApps(KubernetesClient client) {
    namespace = TestNamespaces.create(client, "selector-diff");
    create(client, "plain", Map.of());
    create(client, "web", Map.of("tier", "web", "env", "prod"));
    create(client, "api", Map.of("tier", "api", "env", "prod"));
    create(client, "worker", Map.of("tier", "worker", "env", "dev"));
    create(client, "empty-tier", Map.of("tier", "", "env", ""));
    create(client, "prefixed", Map.of("example.com/tier", "web", "env", "dev"));
    create(client, "prefixed-api", Map.of("example.com/tier", "api"));
    create(client, "five", Map.of("n", "5"));
    create(client, "ten", Map.of("n", "10", "env", "prod"));
    create(client, "max", Map.of("n", "9223372036854775807"));
    create(client, "zero-padded", Map.of("n", "007"));
    create(client, "word", Map.of("n", "ten", "tier", "web"));
    create(client, "keyword", Map.of("in", "notin", "notin", "in"));
    create(client, "group-a", Map.of("group", "A", "ovh/type", "app"));
    create(client, "group-b", Map.of("group", "B", "legacy", "true", "ovh/type", "app"));
    create(
        client,
        "dotted",
        Map.of("app.kubernetes.io/name", "chat", "version", "v1.2_3", "Upper", "Case"));
    assertThat(client.resources(AiApp.class).inNamespace(namespace).list().getItems())
        .hasSize(APPS.size());
  }

  private static void create(KubernetesClient client, String name, Map<String, String> labels) {
    AiApp app = new AiApp();
    app.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage("nginx");
    app.setSpec(spec);
    AiApp created = client.resource(app).create();
    Map<String, String> stored = created.getMetadata().getLabels();
    APPS.put(name, stored == null ? Map.of() : Map.copyOf(stored));
  }

  static Stream<String> selectors() {
    return Stream.of(
        // Every operator.
        "tier=web",
        "tier==web",
        "tier!=web",
        "tier in (web,api)",
        "tier notin (web,api)",
        "tier",
        "!tier",
        "n>5",
        "n<10",
        // Empty values and absent keys.
        "tier=",
        "tier==",
        "tier!=",
        "tier in ()",
        "tier in (,web)",
        "tier in (web,)",
        "tier in (,)",
        "tier notin ()",
        "env=,tier=",
        "nosuchkey!=x",
        "nosuchkey notin (x)",
        "!nosuchkey",
        // Integers.
        "n>6,n<11",
        "n<8",
        "n>9223372036854775806",
        "n<9223372036854775807",
        "n>0",
        "n>00",
        "n<1,n>0",
        // Prefixed keys and keywords as keys and values.
        "example.com/tier=web",
        "example.com/tier",
        "!example.com/tier",
        "example.com/tier notin (web)",
        "ovh/type=app,group in (A,B),!legacy",
        "app.kubernetes.io/name=chat,version=v1.2_3",
        "Upper=Case",
        "in=notin",
        "notin in (in)",
        "in,notin",
        "in in (in,notin)",
        // Several requirements, duplicates, order.
        "env=prod,tier",
        "env=prod,!tier",
        "tier in (web),tier in (api)",
        "tier in (web,web,api)",
        "tier=web,tier=web",
        "z=1,a=2,m",
        // Whitespace.
        " tier = web ",
        "tier\t!=\tweb",
        "tier\nin\n(web)",
        "\r\ntier\r\n",
        "!  tier",
        "tier in(web)",
        "tier in (  web  ,  api  )",
        "env=prod ,  tier",
        "",
        "   ",
        "\t",
        // Malformed.
        "tier=web=api",
        "tier,",
        ",tier",
        "tier,,env",
        ",",
        "tier in (web",
        "tier in web",
        "tier in (web api)",
        "tier in (web))",
        "tier notin",
        "tier in",
        "!tier=web",
        "!tier in (web)",
        "tier!",
        "!!tier",
        "tier!web",
        "=web",
        "tier=!web",
        "tier===web",
        "tier=(web)",
        "tier web",
        "tier=web api",
        "tier=web;env=prod",
        "tier=web&env=prod",
        "tier:web",
        "tier=web,",
        "n>ten",
        "n>",
        "n>-1",
        "n>+1",
        "n<1.5",
        "n>9223372036854775808",
        "n>1e3",
        "n>0x10",
        "n>=5",
        "n<=5",
        "n=>5",
        "n<>5",
        "-tier=web",
        "tier-=web",
        "tier=-web",
        "tier=web-",
        "Example.com/tier=web",
        "example.com/=web",
        "/tier=web",
        "a/b/c=d",
        "ex_ample.com/tier=web",
        "k".repeat(64),
        "k".repeat(63),
        "tier=" + "v".repeat(64),
        "tier=" + "v".repeat(63),
        "p".repeat(253) + "/n",
        "p".repeat(254) + "/n",
        "tier=w\u00e9b",
        "t\u00efer=web",
        "tier\u000b",
        "tier\f=web",
        "tier\u00a0=web",
        "tier\u2003",
        "tier in (web,=)",
        "tier in (web, api-)",
        // NUL: the Go lexer reads bytes and stops at a NUL where a token may start.
        "tier \u0000!!garbage",
        "tier\u0000!!garbage",
        "tier=\u0000web",
        "tier=web\u0000api",
        "\u0000tier=nothing");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("selectors")
  void agreesWithTheApiServer(String text, KubernetesClient client) {
    Set<String> serverSelected;
    try {
      serverSelected = serverSelect(client, text);
    } catch (KubernetesClientException refused) {
      assertThat(refused.getCode())
          .as("API server answer to %s: %s", show(text), refused.getMessage())
          .isEqualTo(400);
      try {
        Selector accepted = Selector.parse(text);
        fail(
            "MISMATCH %s: the API server refuses it (%s) but Selector.parse accepts it as %s",
            show(text), serverMessage(refused), show(accepted.toString()));
      } catch (SelectorSyntaxException expected) {
        return;
      }
      return;
    }
    Selector selector;
    try {
      selector = Selector.parse(text);
    } catch (SelectorSyntaxException e) {
      fail(
          "MISMATCH %s: the API server accepts it and selects %s but Selector.parse refuses it: %s",
          show(text), serverSelected, e.getMessage());
      return;
    }
    Set<String> ourSelected =
        APPS.entrySet().stream()
            .filter(app -> selector.matches(app.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(ourSelected)
        .as(
            "MISMATCH %s (parsed as %s): apps selected by Selector.matches vs the API server",
            show(text), show(selector.toString()))
        .isEqualTo(serverSelected);
    // The canonical form is a selector the API server reads the same way.
    assertThat(serverSelect(client, selector.toString()))
        .as("API server selection with the canonical form %s", show(selector.toString()))
        .isEqualTo(serverSelected);
  }

  private static String serverMessage(KubernetesClientException refused) {
    return refused.getStatus() != null && refused.getStatus().getMessage() != null
        ? refused.getStatus().getMessage()
        : refused.getMessage();
  }

  private static Set<String> serverSelect(KubernetesClient client, String text) {
    return client
        .resources(AiApp.class)
        .inNamespace(namespace)
        .list(new ListOptionsBuilder().withLabelSelector(text).build())
        .getItems()
        .stream()
        .map(app -> app.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The text as a Java literal, so that whitespace and control characters show. */
  private static String show(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.append('"').toString();
  }
}
