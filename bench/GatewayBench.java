import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenSpec;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.crypto.TokenValue;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Data and measurements for bench/gateway, which starts the control plane and the gateway.
 *
 * <pre>
 * load NAMESPACE APPS TOKENS OUT   create APPS AiApps and TOKENS AiTokens (status written as the
 *                                  operator would); write "app-uid token-value" of a match to OUT
 * revoke NAMESPACE GATEWAY TRIALS  regenerate or delete a token while hammering /auth with it;
 *                                  print the time from the write to the first 401
 * </pre>
 */
public class GatewayBench {
  static final int GROUPS = 100;

  public static void main(String[] args) throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      switch (args[0]) {
        case "load" -> load(client, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
            Path.of(args[4]));
        case "revoke" -> revoke(client, args[1], args[2], Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException("load or revoke");
      }
    }
  }

  static void load(KubernetesClient client, String ns, int apps, int tokens, Path out)
      throws Exception {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    long start = System.nanoTime();
    List<Future<String>> uids = new ArrayList<>();
    for (int i = 0; i < apps; i++) {
      int n = i;
      uids.add(pool.submit(() -> {
        AiApp app = new AiApp();
        app.getMetadata().setName(String.format("app-%05d", n));
        app.getMetadata().setNamespace(ns);
        app.getMetadata().setLabels(Map.of("group", "g" + (n % GROUPS)));
        AiAppSpec spec = new AiAppSpec();
        spec.setImage("ovhcom/ai-deploy-hello-world");
        app.setSpec(spec);
        return client.resource(app).create().getMetadata().getUid();
      }));
    }
    List<Future<String>> values = new ArrayList<>();
    for (int i = 0; i < tokens; i++) {
      int n = i;
      values.add(pool.submit(() -> createToken(client, ns, String.format("token-%05d", n),
          "group=g" + (n % GROUPS))));
    }
    String uid = uids.get(0).get();
    String value = values.get(0).get();
    for (Future<String> f : uids) f.get();
    for (Future<String> f : values) f.get();
    pool.shutdown();
    System.out.printf("loaded %d AiApps and %d AiTokens in %.1f s%n", apps, tokens,
        (System.nanoTime() - start) / 1e9);
    Files.writeString(out, uid + " " + value + "\n");
  }

  /** Creates a Ready token and writes its status as the operator would; returns its value. */
  static String createToken(KubernetesClient client, String ns, String name, String selector) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace(ns);
    AiTokenSpec spec = new AiTokenSpec();
    spec.setRole(Role.Reader);
    spec.setLabelSelector(selector);
    token.setSpec(spec);
    AiToken created = client.resource(token).create();
    String value = TokenValue.generate();
    setHash(client, created, value);
    return value;
  }

  static void setHash(KubernetesClient client, AiToken token, String value) {
    AiTokenStatus status = new AiTokenStatus();
    status.setPhase(TokenPhase.Ready);
    status.setTokenHash(TokenValue.hash(value));
    status.setTokenPrefix(TokenValue.prefix(value));
    status.setSecretName(token.getMetadata().getName());
    // A merge patch, not an update: the gateway may have just written lastUsedAt.
    client.resources(AiToken.class).inNamespace(token.getMetadata().getNamespace())
        .withName(token.getMetadata().getName()).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
  }

  static void revoke(KubernetesClient client, String ns, String gateway, int trials)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String uid = client.resources(AiApp.class).inNamespace(ns).withName("app-00000").get()
        .getMetadata().getUid();
    List<Double> regenerate = new ArrayList<>();
    List<Double> delete = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      String name = "revoke-" + i;
      String value = createToken(client, ns, name, "group=g0");
      URI auth = URI.create(gateway + "/auth?app=" + uid);
      HttpRequest request = HttpRequest.newBuilder(auth).header("Authorization", "Bearer " + value)
          .timeout(Duration.ofSeconds(5)).build();
      while (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        Thread.sleep(5);
      }
      boolean byDelete = i % 2 == 1;
      AiToken token = client.resources(AiToken.class).inNamespace(ns).withName(name).get();
      long written;
      if (byDelete) {
        client.resource(token).delete();
      } else {
        setHash(client, token, TokenValue.generate());
      }
      written = System.nanoTime();
      while (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 401) {
        // tight loop: the gateway answers in well under a millisecond
      }
      double ms = (System.nanoTime() - written) / 1e6;
      (byDelete ? delete : regenerate).add(ms);
      if (!byDelete) {
        client.resource(token).delete();
      }
    }
    report("regenerate", regenerate);
    report("delete", delete);
    List<Double> all = new ArrayList<>(regenerate);
    all.addAll(delete);
    report("all", all);
  }

  static void report(String what, List<Double> ms) {
    Collections.sort(ms);
    System.out.printf("revocation by %-10s trials %3d: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        what, ms.size(), pct(ms, 0.5), pct(ms, 0.99), pct(ms, 1.0));
  }

  static double pct(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
