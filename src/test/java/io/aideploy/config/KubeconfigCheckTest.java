package io.aideploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a kubeconfig can be wrong is one message that says what to do. */
class KubeconfigCheckTest {
  private static final String VALID =
      """
      apiVersion: v1
      kind: Config
      clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
      users: [{name: u, user: {}}]
      contexts: [{name: x, context: {cluster: c, user: u}}]
      current-context: x
      """;

  @TempDir Path home;

  @Test
  void aKubeconfigVariableNamingAMissingFileIsNotIgnored() throws IOException {
    Path config = Files.writeString(home.resolve(".kube-config"), VALID);
    String missing = home.resolve("missing").toString();
    assertThatThrownBy(
            () ->
                KubeconfigCheck.checkDefault(
                    Map.of("KUBECONFIG", config + ":" + missing)::get, home))
        .hasMessage(
            "KUBECONFIG names "
                + missing
                + ", which does not exist; pass --kubeconfig <file>, set KUBECONFIG, or create"
                + " ~/.kube/config (kubectl config view shows what kubectl uses)");
    assertThatCode(
            () -> KubeconfigCheck.checkDefault(Map.of("KUBECONFIG", config.toString())::get, home))
        .doesNotThrowAnyException();
  }

  @Test
  void noKubeconfigOutsideAPodSaysWhereItLooked() {
    assertThatThrownBy(() -> KubeconfigCheck.checkDefault(Map.<String, String>of()::get, home))
        .hasMessageStartingWith(
            "no kubeconfig: KUBECONFIG is not set, "
                + home.resolve(".kube/config")
                + " does not exist and this is not a pod; pass --kubeconfig <file>");
    // In a pod, fabric8 uses the service account.
    assertThatCode(
            () ->
                KubeconfigCheck.checkDefault(
                    Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")::get, home))
        .doesNotThrowAnyException();
  }

  @Test
  void anUnreadableKubeconfigSaysWhy() throws IOException {
    // Root reads any file whatever its mode: a directory is what cannot be read here.
    Path directory = Files.createDirectories(home.resolve(".kube/config"));
    assertThatThrownBy(() -> KubeconfigCheck.checkDefault(Map.<String, String>of()::get, home))
        .hasMessageStartingWith("cannot read the kubeconfig " + directory + " (")
        .hasMessageContaining("); check its permissions, or pass --kubeconfig <file>");
  }

  @Test
  void aFileThatIsNoKubeconfigSaysSo() throws IOException {
    Path garbage = Files.writeString(home.resolve("garbage"), "clusters: [this is: not: yaml");
    assertThatThrownBy(() -> KubeconfigCheck.load(garbage, "--kubeconfig names " + garbage))
        .hasMessageStartingWith(garbage + " is not a valid kubeconfig (")
        .hasMessageContaining("); fix it, or pass --kubeconfig <file>");
    assertThat(
            KubeconfigCheck.load(Files.writeString(home.resolve("ok"), VALID), "x").getMasterUrl())
        .startsWith("https://127.0.0.1:6443");
  }
}
