package io.aideploy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.TestNamespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code --auth-keepalive}: the operator writes ingress-nginx's {@code auth-keepalive} on the app
 * Ingress, nginx (configured by {@code scripts/local-ingress}) keeps its connections to the gateway
 * open, and each check on a kept connection is decided on its own.
 */
@ExtendWith(LocalControlPlane.class)
class NginxAuthKeepaliveE2E {
  private static final String CONNECTIONS = "aideploy_gateway_connections_total";

  private static IngressStack stack;
  private static String helloHost;
  private static String reader;
  private static String groupB;

  @BeforeAll
  static void start(LocalControlPlane.Cluster cluster, KubernetesClient client) throws Exception {
    stack =
        new IngressStack(
            cluster, TestNamespaces.create(client, "keepalive-e2e"), List.of("--auth-keepalive=8"));
    stack.apply(IngressStack.HELLO_AND_TOKENS);
    helloHost = stack.appId("hello") + "." + IngressStack.BASE_DOMAIN;
    reader = stack.tokenValue("reader-token", null);
    groupB = stack.tokenValue("group-b-token", null);
    stack.startOrReloadNginx();
    await().atMost(IngressStack.WAIT).until(() -> status("Authorization: Bearer " + reader) == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  private static int status(String... headers) {
    List<String> extra = new ArrayList<>();
    for (String header : headers) {
      extra.add("-H");
      extra.add(header);
    }
    return Curl.request(stack, helloHost, "/", extra.toArray(String[]::new)).status();
  }

  @Test
  void theOperatorAsksForKeepAliveOnTheAppIngress() {
    assertThat(
            stack.kubectl(
                "get",
                "ingress",
                "hello",
                "-o",
                "jsonpath={.metadata.annotations.nginx\\.ingress\\.kubernetes\\.io/auth-keepalive}"))
        .isEqualTo("8");
  }

  @Test
  void allowedChecksShareAFewConnections() {
    double before = stack.metric(CONNECTIONS);
    for (int i = 0; i < 30; i++) {
      assertThat(status("Authorization: Bearer " + reader)).isEqualTo(200);
    }
    // Each curl is a new client of nginx; nginx reuses its idle connections to the gateway. Without
    // keep-alive (or with a body in the allow answer, which nginx does not read) it would be 30.
    assertThat(stack.metric(CONNECTIONS) - before).isLessThanOrEqualTo(3);
  }

  @Test
  void eachCheckOnAKeptConnectionIsDecidedOnItsOwn() {
    // After an allowed check the connection stays open for the next client's check: a refusal
    // must not be turned into the previous answer, nor an answer into the previous refusal.
    for (int i = 0; i < 5; i++) {
      assertThat(status("Authorization: Bearer " + reader)).as("reader").isEqualTo(200);
      assertThat(status()).as("no token: sign-in").isEqualTo(302);
      assertThat(status("Authorization: Bearer " + reader)).as("reader").isEqualTo(200);
      assertThat(status("Authorization: Bearer " + groupB)).as("other group").isEqualTo(403);
      assertThat(status("Authorization: Bearer " + reader)).as("reader").isEqualTo(200);
      assertThat(status("Authorization: Bearer aid_nope")).as("wrong token").isEqualTo(302);
    }
  }
}
