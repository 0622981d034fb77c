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
 * load NAMESPACE APPS TOKENS OUT [FROM]
 *     create AiApps and AiTokens numbered FROM (default 0) up to APPS and TOKENS (token status
 *     written as the operator would); write "app-uid token-value" of a match to OUT
 * revoke NAMESPACE GATEWAY[,GATEWAY...] TRIALS [OUT.tsv]
 *     regenerate or delete a token while hammering /auth of every gateway replica with it; print
 *     the time from the write to the first refusal (401, or a 503 when the replica's watches fell
 *     silent, which is printed) of each replica and of the last one (every replica refuses);
 *     OUT.tsv gets one line per trial
 * </pre>
 */
public class GatewayBench {
  static final int GROUPS = 100;

  public static void main(String[] args) throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      switch (args[0]) {
        case "load" -> load(client, args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
            Path.of(args[4]), args.length > 5 ? Integer.parseInt(args[5]) : 0);
        case "revoke" -> revoke(client, args[1], List.of(args[2].split(",")),
            Integer.parseInt(args[3]), args.length > 4 ? Path.of(args[4]) : null);
        default -> throw new IllegalArgumentException("load or revoke");
      }
    }
  }

  static void load(KubernetesClient client, String ns, int apps, int tokens, Path out, int from)
      throws Exception {
    client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    long start = System.nanoTime();
    List<Future<String>> uids = new ArrayList<>();
    for (int i = from; i < apps; i++) {
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
    for (int i = from; i < tokens; i++) {
      int n = i;
      values.add(pool.submit(() -> createToken(client, ns, String.format("token-%05d", n),
          "group=g" + (n % GROUPS))));
    }
    for (Future<String> f : uids) f.get();
    for (Future<String> f : values) f.get();
    pool.shutdown();
    System.out.printf("loaded %d AiApps and %d AiTokens in %.1f s%n", apps - from,
        tokens - from, (System.nanoTime() - start) / 1e9);
    if (!uids.isEmpty() && !values.isEmpty()) {
      Files.writeString(out, uids.get(0).get() + " " + values.get(0).get() + "\n");
    }
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
    // A merge patch, not an update: the gateway may have just written lastUsedAt. Through
    // resource(token), not withName(name), which would read the token first.
    client.resource(token).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", status)));
  }

  static void revoke(KubernetesClient client, String ns, List<String> gateways, int trials,
      Path out) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // One poller per replica, so that each replica's first 401 is seen when it happens.
    ExecutorService pollers = Executors.newFixedThreadPool(gateways.size());
    String uid = client.resources(AiApp.class).inNamespace(ns).withName("app-00000").get()
        .getMetadata().getUid();
    List<Double> regenerate = new ArrayList<>();
    List<Double> delete = new ArrayList<>();
    List<List<Double>> perReplica = new ArrayList<>();
    gateways.forEach(g -> perReplica.add(new ArrayList<>()));
    List<String> lines = new ArrayList<>();
    lines.add("trial\thow\t" + String.join("\t", gateways.stream()
        .map(g -> "replica " + (gateways.indexOf(g) + 1) + " ms").toList()) + "\tevery replica ms");
    for (int i = 0; i < trials; i++) {
      String name = "revoke-" + i;
      String value = createToken(client, ns, name, "group=g0");
      List<HttpRequest> requests = gateways.stream().map(g -> HttpRequest.newBuilder(
              URI.create(g + "/auth?app=" + uid)).header("Authorization", "Bearer " + value)
          .timeout(Duration.ofSeconds(5)).build()).toList();
      for (HttpRequest request : requests) {
        while (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
          Thread.sleep(5);
        }
      }
      boolean byDelete = i % 2 == 1;
      AiToken token = client.resources(AiToken.class).inNamespace(ns).withName(name).get();
      List<Future<Long>> refused = new ArrayList<>();
      long written;
      int trial = i;
      if (byDelete) {
        client.resource(token).delete();
      } else {
        setHash(client, token, TokenValue.generate());
      }
      written = System.nanoTime();
      for (HttpRequest request : requests) {
        refused.add(pollers.submit(() -> {
          int status;
          do {
            // tight loop: the gateway answers in well under a millisecond
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
          } while (status == 200);
          // A 503 refuses too: the replica's watches fell silent and it fails closed.
          if (status != 401) {
            System.out.printf("trial %d: first refusal of %s was %d%n", trial, request.uri(), status);
          }
          return System.nanoTime();
        }));
      }
      double every = 0;
      StringBuilder line = new StringBuilder(i + "\t" + (byDelete ? "delete" : "regenerate"));
      for (int r = 0; r < refused.size(); r++) {
        double ms = (refused.get(r).get() - written) / 1e6;
        perReplica.get(r).add(ms);
        every = Math.max(every, ms);
        line.append(String.format("\t%.2f", ms));
      }
      lines.add(line.append(String.format("\t%.2f", every)).toString());
      (byDelete ? delete : regenerate).add(every);
      if (!byDelete) {
        client.resource(token).delete();
      }
    }
    pollers.shutdown();
    for (int r = 0; r < gateways.size(); r++) {
      report("replica " + (r + 1) + " only", perReplica.get(r));
    }
    String scope = gateways.size() > 1 ? " (every replica refuses)" : "";
    report("regenerate" + scope, regenerate);
    report("delete" + scope, delete);
    List<Double> all = new ArrayList<>(regenerate);
    all.addAll(delete);
    report("all" + scope, all);
    if (out != null) {
      Files.write(out, lines);
    }
  }

  static void report(String what, List<Double> ms) {
    Collections.sort(ms);
    System.out.printf("revocation, %s, trials %3d: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        what, ms.size(), pct(ms, 0.5), pct(ms, 0.99), pct(ms, 1.0));
  }

  static double pct(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
