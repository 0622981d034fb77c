package io.aideploy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.aideploy.testing.Helm;
import io.aideploy.testing.LocalControlPlane.CommandResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart rendered by the real helm: lint, defaults, non-defaults and the values schema. */
class HelmChartTest {
  private static Helm helm;

  @BeforeAll
  static void findHelm() {
    helm = Helm.required();
  }

  static Rendered template(String... setValues) {
    CommandResult result = helmTemplate(setValues);
    assertThat(result.exitCode()).as(result.output()).isZero();
    return Rendered.parse(result.output());
  }

  private static CommandResult helmTemplate(String... setValues) {
    List<String> args =
        new ArrayList<>(List.of("template", "aideploy", helm.chart().toString(), "-n", "aideploy"));
    for (String value : setValues) {
      args.add("--set");
      args.add(value);
    }
    return helm.run(args.toArray(String[]::new));
  }

  @Test
  void lintsCleanInStrictMode() {
    CommandResult lint = helm.run("lint", "--strict", helm.chart().toString());
    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void defaultsInstallClusterWideWithTwoReplicasEach() {
    Rendered chart = template();
    assertThat(chart.kinds())
        .containsExactly(
            "ClusterRole",
            "ClusterRole",
            "ClusterRoleBinding",
            "ClusterRoleBinding",
            "Deployment",
            "Deployment",
            "NetworkPolicy",
            "NetworkPolicy",
            "PodDisruptionBudget",
            "Role",
            "RoleBinding",
            "Secret",
            "Service",
            "Service",
            "ServiceAccount",
            "ServiceAccount",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "ValidatingAdmissionPolicyBinding");
    for (GenericKubernetesResource object : chart.all()) {
      assertThat(object.getMetadata().getLabels())
          .as(object.getKind() + " " + object.getMetadata().getName())
          .containsEntry("app.kubernetes.io/name", "aideploy")
          .containsEntry("app.kubernetes.io/instance", "aideploy")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/version", "0.1.0")
          .containsKey("app.kubernetes.io/component")
          .containsKey("helm.sh/chart");
    }

    Deployment operator = chart.get(Deployment.class, "aideploy-operator");
    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container(operator).getArgs()).containsExactly("operator");
    assertThat(env(operator))
        .containsEntry("AIDEPLOY_LEADER_ELECTION", "true")
        .containsEntry("AIDEPLOY_BASE_DOMAIN", "apps.example.com")
        .containsEntry("AIDEPLOY_LOG_LEVEL", "info")
        .doesNotContainKey("AIDEPLOY_WATCH_NAMESPACES")
        .doesNotContainKey("AIDEPLOY_AUTH_KEEPALIVE")
        .doesNotContainKey("AIDEPLOY_SESSION_KEY")
        .containsEntry(
            "JAVA_TOOL_OPTIONS",
            "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
                + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    assertThat(operator.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("aideploy-operator");

    Deployment gateway = chart.get(Deployment.class, "aideploy-gateway");
    assertThat(gateway.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container(gateway).getArgs()).containsExactly("gateway");
    // The release named aideploy in namespace aideploy reproduces the built-in default URL.
    assertThat(env(gateway))
        .containsEntry(
            "AIDEPLOY_GATEWAY_URL", "http://aideploy-gateway.aideploy.svc.cluster.local:8080")
        .containsEntry("AIDEPLOY_GATEWAY_PORT", "8080")
        .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError")
        .doesNotContainKey("AIDEPLOY_LEADER_ELECTION");
    EnvVar sessionKey =
        container(gateway).getEnv().stream()
            .filter(e -> e.getName().equals("AIDEPLOY_SESSION_KEY"))
            .findFirst()
            .orElseThrow();
    assertThat(sessionKey.getValue()).isNull();
    assertThat(sessionKey.getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("aideploy-session-key");
    assertThat(sessionKey.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("session-key");
    Secret secret = chart.get(Secret.class, "aideploy-session-key");
    assertThat(secret.getData().get("session-key")).hasSizeGreaterThanOrEqualTo(44);

    for (Deployment deployment : List.of(operator, gateway)) {
      assertHardenedWithProbes(deployment);
    }
    assertThat(chart.kinds())
        .doesNotContain("HorizontalPodAutoscaler", "Ingress", "ServiceMonitor");
  }

  @Test
  void byDefaultOnlyTheIngressControllerReachesTheGatewayWhichThenTrustsEveryPeer() {
    Rendered chart = template();
    NetworkPolicy policy = chart.get(NetworkPolicy.class, "aideploy-gateway");
    NetworkPolicyIngressRule http = policy.getSpec().getIngress().get(0);
    assertThat(http.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("http"));
    assertThat(http.getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getPodSelector()).isNull();
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .containsExactly(Map.entry("kubernetes.io/metadata.name", "ingress-nginx"));
            });
    // Every peer that can reach the port is in the ingress controller's namespace: a proxy.
    assertThat(env(chart.get(Deployment.class, "aideploy-gateway")))
        .containsEntry("AIDEPLOY_TRUSTED_PROXIES", "0.0.0.0/0,::/0");
  }

  @Test
  void withoutTheNetworkPolicyTheGatewayTrustsOnlyLoopback() {
    Rendered off = template("networkPolicy.enabled=false");
    assertThat(off.kinds()).doesNotContain("NetworkPolicy");
    assertThat(env(off.get(Deployment.class, "aideploy-gateway")))
        .containsEntry("AIDEPLOY_TRUSTED_PROXIES", "127.0.0.0/8,::1/128");
    // A policy open to every namespace proves nothing about the peers either.
    Rendered open = template("networkPolicy.gatewayFromNamespaceSelector=null");
    assertThat(
            open.get(NetworkPolicy.class, "aideploy-gateway")
                .getSpec()
                .getIngress()
                .get(0)
                .getFrom()
                .get(0)
                .getNamespaceSelector()
                .getMatchLabels())
        .isNullOrEmpty();
    assertThat(env(open.get(Deployment.class, "aideploy-gateway")))
        .containsEntry("AIDEPLOY_TRUSTED_PROXIES", "127.0.0.0/8,::1/128");
  }

  @Test
  void explicitTrustedProxiesWinEitherWay() {
    for (String policy : List.of("true", "false")) {
      Rendered chart =
          template(
              "networkPolicy.enabled=" + policy, "gateway.trustedProxies={10.1.0.0/16,fd00::/8}");
      assertThat(env(chart.get(Deployment.class, "aideploy-gateway")))
          .containsEntry("AIDEPLOY_TRUSTED_PROXIES", "10.1.0.0/16,fd00::/8");
    }
  }

  @Test
  void gatewayMayReadAppsAndTokensAndNothingElse() {
    Rendered chart = template();
    assertThat(rules(chart.get(ClusterRole.class, "aideploy-gateway").getRules()))
        .containsExactlyInAnyOrder(
            "aideploy.io/aiapps:get,list,watch,create,patch,delete",
            "aideploy.io/aitokens:get,list,watch",
            "aideploy.io/aitokens/status:patch");
  }

  @Test
  void operatorGetsWhatItReconcilesAndLeasesOnlyInItsNamespace() {
    Rendered chart = template();
    List<String> rules = rules(chart.get(ClusterRole.class, "aideploy-operator").getRules());
    String crud = "get,list,watch,create,update,patch,delete";
    assertThat(rules)
        .contains(
            "aideploy.io/aiapps:get,list,watch,patch,update",
            "aideploy.io/aitokens:get,list,watch,patch,update",
            "aideploy.io/aiapps/status:get,patch,update",
            "aideploy.io/aitokens/finalizers:update",
            "apps/deployments:" + crud,
            "/services:" + crud,
            "/secrets:get,list,watch,create,update,delete",
            "networking.k8s.io/ingresses:" + crud,
            "autoscaling/horizontalpodautoscalers:" + crud,
            "/pods:get,list,watch",
            "/events:create,patch");
    assertThat(rules).noneMatch(rule -> rule.contains("*") || rule.contains("leases"));
    Role leases = chart.get(Role.class, "aideploy-operator-leader-election");
    assertThat(leases.getMetadata().getNamespace()).isEqualTo("aideploy");
    assertThat(rules(leases.getRules())).contains("coordination.k8s.io/leases:get,create,update");
  }

  @Test
  void ingressModeMayOnlyDeleteWhatAGatewayApiModeLeft() {
    List<String> rules = rules(template().get(ClusterRole.class, "aideploy-operator").getRules());
    assertThat(rules)
        .contains(
            "gateway.networking.k8s.io/httproutes:deletecollection",
            "traefik.io/middlewares:deletecollection",
            "gateway.envoyproxy.io/securitypolicies:deletecollection");
    assertThat(template().all()).noneMatch(o -> o.getKind().equals("ReferenceGrant"));
  }

  @Test
  void gatewayApiModeGetsRightsOnItsKindsAndPassesTheParentAndTheAuth() {
    Rendered chart =
        template(
            "settings.exposure.mode=gateway-api",
            "settings.exposure.gatewayApi.parent.namespace=edge",
            "settings.exposure.gatewayApi.parent.name=public",
            "settings.exposure.gatewayApi.parent.sectionName=https",
            "settings.exposure.gatewayApi.auth=traefik");
    String crud = "get,list,watch,create,update,patch,delete";
    assertThat(rules(chart.get(ClusterRole.class, "aideploy-operator").getRules()))
        .contains(
            "gateway.networking.k8s.io/httproutes:" + crud,
            "traefik.io/middlewares:" + crud,
            "gateway.envoyproxy.io/securitypolicies:deletecollection",
            "networking.k8s.io/ingresses:deletecollection")
        .noneMatch(rule -> rule.startsWith("networking.k8s.io/ingresses:get"));
    assertThat(env(chart.get(Deployment.class, "aideploy-operator")))
        .containsEntry("AIDEPLOY_EXPOSURE", "gateway-api")
        .containsEntry("AIDEPLOY_GATEWAY_PARENT", "edge/public/https")
        .containsEntry("AIDEPLOY_GATEWAY_AUTH", "traefik");
    assertThat(chart.all()).noneMatch(o -> o.getKind().equals("ReferenceGrant"));
  }

  @Test
  void envoyGatewayAndExternalAuthGetAReferenceGrantToTheGatewayService() {
    Rendered chart =
        template(
            "settings.exposure.mode=gateway-api",
            "settings.exposure.gatewayApi.parent.namespace=edge",
            "settings.exposure.gatewayApi.parent.name=public",
            "settings.exposure.gatewayApi.auth=external-auth",
            "settings.watchNamespaces={team-a,team-b}");
    var grant =
        chart.all().stream().filter(o -> o.getKind().equals("ReferenceGrant")).findFirst().get();
    assertThat(grant.getMetadata().getNamespace()).isEqualTo("aideploy");
    assertThat(grant.<Object>get("spec", "from"))
        .isEqualTo(
            List.of(
                Map.of(
                    "group",
                    "gateway.networking.k8s.io",
                    "kind",
                    "HTTPRoute",
                    "namespace",
                    "team-a"),
                Map.of(
                    "group",
                    "gateway.networking.k8s.io",
                    "kind",
                    "HTTPRoute",
                    "namespace",
                    "team-b")));
    assertThat(grant.<Object>get("spec", "to"))
        .isEqualTo(List.of(Map.of("group", "", "kind", "Service", "name", "aideploy-gateway")));
  }

  @Test
  void istioModeMayWriteAuthorizationPoliciesInTheGatewayNamespaceOnly() {
    Rendered chart =
        template(
            "settings.exposure.mode=gateway-api",
            "settings.exposure.gatewayApi.parent.namespace=edge",
            "settings.exposure.gatewayApi.parent.name=public",
            "settings.exposure.gatewayApi.auth=istio",
            "settings.exposure.gatewayApi.istioProvider=mesh-authz");
    Role policies = chart.get(Role.class, "aideploy-operator-istio");
    assertThat(policies.getMetadata().getNamespace()).isEqualTo("edge");
    assertThat(rules(policies.getRules()))
        .containsExactly(
            "security.istio.io/authorizationpolicies:get,list,watch,create,patch,delete");
    RoleBinding binding = chart.get(RoleBinding.class, "aideploy-operator-istio");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("edge");
    assertThat(binding.getRoleRef().getName()).isEqualTo("aideploy-operator-istio");
    assertThat(binding.getSubjects())
        .extracting(s -> s.getName() + "@" + s.getNamespace())
        .containsExactly("aideploy-operator@aideploy");
    assertThat(rules(chart.get(ClusterRole.class, "aideploy-operator").getRules()))
        .contains(
            "gateway.networking.k8s.io/httproutes:get,list,watch,create,update,patch,delete",
            "traefik.io/middlewares:deletecollection",
            "gateway.envoyproxy.io/securitypolicies:deletecollection")
        .noneMatch(rule -> rule.contains("authorizationpolicies"));
    assertThat(env(chart.get(Deployment.class, "aideploy-operator")))
        .containsEntry("AIDEPLOY_GATEWAY_AUTH", "istio")
        .containsEntry("AIDEPLOY_ISTIO_PROVIDER", "mesh-authz");
    assertThat(chart.all()).noneMatch(o -> o.getKind().equals("ReferenceGrant"));

    // The other modes get no right on AuthorizationPolicies at all.
    for (Rendered other :
        List.of(
            template(),
            template(
                "settings.exposure.mode=gateway-api",
                "settings.exposure.gatewayApi.parent.namespace=edge",
                "settings.exposure.gatewayApi.parent.name=public",
                "settings.exposure.gatewayApi.auth=traefik"))) {
      assertThat(other.all(Role.class))
          .flatExtracting(role -> rules(role.getRules()))
          .noneMatch(rule -> rule.contains("authorizationpolicies"));
      assertThat(rules(other.get(ClusterRole.class, "aideploy-operator").getRules()))
          .noneMatch(rule -> rule.contains("authorizationpolicies"));
      assertThat(env(other.get(Deployment.class, "aideploy-operator")))
          .doesNotContainKey("AIDEPLOY_ISTIO_PROVIDER");
    }
  }

  @Test
  void inGatewayApiModeTheSignInHostIsAnHttpRouteOnTheGatewayWithoutAuth() {
    Rendered chart =
        template(
            "settings.baseDomain=apps.example.com",
            "settings.exposure.mode=gateway-api",
            "settings.exposure.gatewayApi.parent.namespace=edge",
            "settings.exposure.gatewayApi.parent.name=public",
            "settings.exposure.gatewayApi.parent.sectionName=https",
            "settings.exposure.gatewayApi.auth=istio",
            "gateway.ingress.enabled=true");
    assertThat(chart.kinds()).doesNotContain("Ingress");
    GenericKubernetesResource route =
        chart.all().stream().filter(o -> o.getKind().equals("HTTPRoute")).findFirst().get();
    assertThat(route.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
    assertThat(route.getMetadata().getNamespace()).isEqualTo("aideploy");
    assertThat(route.<Object>get("spec", "parentRefs"))
        .isEqualTo(
            List.of(
                Map.of(
                    "group", "gateway.networking.k8s.io",
                    "kind", "Gateway",
                    "namespace", "edge",
                    "name", "public",
                    "sectionName", "https")));
    assertThat(route.<Object>get("spec", "hostnames")).isEqualTo(List.of("login.apps.example.com"));
    // The paths of the Ingress, and no filter: the sign-in host must answer without a token.
    assertThat(route.<Object>get("spec", "rules"))
        .isEqualTo(
            List.of(
                Map.of(
                    "matches",
                    List.of(
                        Map.of("path", Map.of("type", "PathPrefix", "value", "/login")),
                        Map.of("path", Map.of("type", "PathPrefix", "value", "/logout")),
                        Map.of("path", Map.of("type", "PathPrefix", "value", "/v1/apps"))),
                    "backendRefs",
                    List.of(
                        Map.of(
                            "group", "",
                            "kind", "Service",
                            "name", "aideploy-gateway",
                            "port", 8080,
                            "weight", 1)))));

    Rendered ingressMode = template("gateway.ingress.enabled=true");
    assertThat(ingressMode.kinds()).contains("Ingress").doesNotContain("HTTPRoute");
  }

  @Test
  void gatewayApiModeWithoutWhatItNeedsFailsToRender() {
    for (String[] values :
        new String[][] {
          {"settings.exposure.mode=gateway-api"},
          {
            "settings.exposure.mode=gateway-api",
            "settings.exposure.gatewayApi.parent.namespace=edge",
            "settings.exposure.gatewayApi.parent.name=public",
            "settings.exposure.gatewayApi.auth=envoy-gateway"
          }
        }) {
      CommandResult result = helmTemplate(values);
      assertThat(result.exitCode()).as(result.output()).isNotZero();
      assertThat(result.output()).contains("settings.");
    }
  }

  @Test
  void operatorSecretWritesAreConfinedToTokenSecretsByAnAdmissionPolicy() {
    Rendered chart = template();
    ValidatingAdmissionPolicy policy =
        chart.get(ValidatingAdmissionPolicy.class, "aideploy-operator-token-secrets");
    assertThat(policy.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
    var spec = policy.getSpec();
    assertThat(spec.getFailurePolicy()).isEqualTo("Fail");
    var rule = spec.getMatchConstraints().getResourceRules().get(0);
    assertThat(rule.getApiGroups()).containsExactly("");
    assertThat(rule.getResources()).containsExactly("secrets");
    assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
    assertThat(spec.getMatchConditions())
        .extracting(MatchCondition::getExpression)
        .containsExactly(
            "request.userInfo.username == 'system:serviceaccount:aideploy:aideploy-operator'");
    assertThat(spec.getVariables())
        .extracting(Variable::getName, Variable::getExpression)
        .contains(
            tuple("secret", "request.operation == 'DELETE' ? oldObject : object"),
            tuple(
                "tokenType",
                "has(variables.secret.type) && variables.secret.type == 'aideploy.io/token'"));
    assertThat(spec.getVariables())
        .filteredOn(v -> v.getName().equals("ownedByToken"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getExpression())
                    .contains("r.kind == 'AiToken'", "r.apiVersion.startsWith('aideploy.io/')"));
    assertThat(spec.getValidations()).hasSize(1);
    assertThat(spec.getValidations().get(0).getExpression())
        .contains("variables.tokenType", "variables.ownedByToken");
    assertThat(spec.getValidations().get(0).getMessageExpression())
        .contains("may only write Secrets of type aideploy.io/token owned by an AiToken");

    ValidatingAdmissionPolicyBinding binding =
        chart.get(ValidatingAdmissionPolicyBinding.class, "aideploy-operator-token-secrets");
    assertThat(binding.getSpec().getPolicyName()).isEqualTo("aideploy-operator-token-secrets");
    assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");

    // The ServiceAccount follows the release's name and namespace.
    CommandResult other = helm.run("template", "tools", helm.chart().toString(), "-n", "platform");
    assertThat(other.exitCode()).as(other.output()).isZero();
    assertThat(
            Rendered.parse(other.output())
                .get(ValidatingAdmissionPolicy.class, "tools-aideploy-operator-token-secrets")
                .getSpec()
                .getMatchConditions()
                .get(0)
                .getExpression())
        .isEqualTo(
            "request.userInfo.username == 'system:serviceaccount:platform:tools-aideploy-operator'");

    assertThat(template("secretAdmissionPolicy.enabled=false").all())
        .extracting(o -> o.getMetadata().getName())
        .doesNotContain("aideploy-operator-token-secrets");
  }

  @Test
  void anUnscopedTokenIsWarnedAboutOrRefusedOnRequest() {
    assertThat(
            template()
                .get(ValidatingAdmissionPolicyBinding.class, "aideploy-token-scope")
                .getSpec()
                .getValidationActions())
        .containsExactly("Warn");
    assertThat(
            template("tokens.requireExplicitScope=true")
                .get(ValidatingAdmissionPolicyBinding.class, "aideploy-token-scope")
                .getSpec()
                .getValidationActions())
        .containsExactly("Deny");
    assertThat(template("tokens.scopeAdmissionPolicy=false").all())
        .extracting(o -> o.getMetadata().getName())
        .doesNotContain("aideploy-token-scope");
  }

  @Test
  void nonDefaultValuesReachTheObjects() {
    Rendered chart =
        template(
            "settings.watchNamespaces={team-a,team-b}",
            "settings.baseDomain=ai.example.org",
            "settings.logLevel=debug",
            "settings.tlsSecret=wildcard-tls",
            "settings.ingressClass=traefik",
            "settings.authKeepalive=16",
            "operator.replicas=1",
            "operator.leaderElection=false",
            "operator.javaOptions=",
            "javaToolOptions=-Xmx300m",
            "gateway.autoscaling.enabled=true",
            "gateway.autoscaling.maxReplicas=9",
            "gateway.ingress.enabled=true",
            "gateway.ingress.tlsSecret=login-tls",
            "gateway.podDisruptionBudget.enabled=false",
            "metrics.serviceMonitor.enabled=true",
            "networkPolicy.enabled=true",
            "image.tag=1.2.3");

    assertThat(chart.kinds())
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "PodDisruptionBudget")
        .contains("HorizontalPodAutoscaler", "Ingress", "ServiceMonitor", "NetworkPolicy");
    // Namespaced RBAC: a Role and a RoleBinding per watched namespace and component.
    assertThat(chart.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "team-a/aideploy-operator",
            "team-b/aideploy-operator",
            "team-a/aideploy-gateway",
            "team-b/aideploy-gateway");
    assertThat(chart.all(RoleBinding.class))
        .allSatisfy(
            binding ->
                assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("aideploy"));
    assertThat(
            rules(
                chart.all(Role.class).stream()
                    .filter(r -> r.getMetadata().getName().equals("aideploy-gateway"))
                    .findFirst()
                    .orElseThrow()
                    .getRules()))
        .noneMatch(rule -> rule.contains("secrets"));

    Deployment operator = chart.get(Deployment.class, "aideploy-operator");
    assertThat(operator.getSpec().getReplicas()).isEqualTo(1);
    assertThat(container(operator).getImage()).isEqualTo("ghcr.io/aideploy/aideploy:1.2.3");
    assertThat(env(operator))
        .containsEntry("AIDEPLOY_LEADER_ELECTION", "false")
        .containsEntry("AIDEPLOY_WATCH_NAMESPACES", "team-a,team-b")
        .containsEntry("AIDEPLOY_BASE_DOMAIN", "ai.example.org")
        .containsEntry("AIDEPLOY_LOG_LEVEL", "debug")
        .containsEntry("AIDEPLOY_TLS_SECRET", "wildcard-tls")
        .containsEntry("AIDEPLOY_INGRESS_CLASS", "traefik")
        .containsEntry("AIDEPLOY_AUTH_KEEPALIVE", "16")
        .containsEntry("JAVA_TOOL_OPTIONS", "-Xmx300m");

    Deployment gateway = chart.get(Deployment.class, "aideploy-gateway");
    assertThat(gateway.getSpec().getReplicas()).as("the HPA owns replicas").isNull();
    Ingress login = chart.get(Ingress.class, "aideploy-gateway");
    assertThat(login.getSpec().getIngressClassName()).isEqualTo("traefik");
    assertThat(login.getSpec().getRules().get(0).getHost()).isEqualTo("login.ai.example.org");
    assertThat(login.getSpec().getTls().get(0).getSecretName()).isEqualTo("login-tls");
    assertThat(login.getSpec().getRules().get(0).getHttp().getPaths())
        .extracting(HTTPIngressPath::getPath)
        .containsExactly("/login", "/logout", "/v1/apps");
  }

  @Test
  void anExistingSessionKeySecretReplacesTheGeneratedOne() {
    Rendered chart =
        template(
            "gateway.sessionKey.existingSecret=my-key", "gateway.sessionKey.existingSecretKey=k");
    assertThat(chart.kinds()).doesNotContain("Secret");
    EnvVar sessionKey =
        container(chart.get(Deployment.class, "aideploy-gateway")).getEnv().stream()
            .filter(e -> e.getName().equals("AIDEPLOY_SESSION_KEY"))
            .findFirst()
            .orElseThrow();
    assertThat(sessionKey.getValueFrom().getSecretKeyRef().getName()).isEqualTo("my-key");
    assertThat(sessionKey.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("k");
  }

  @Test
  void aSingleGatewayReplicaGetsNoDisruptionBudgetThatWouldBlockDrains() {
    assertThat(template("gateway.replicas=1").kinds()).doesNotContain("PodDisruptionBudget");
    assertThat(template("gateway.replicas=1", "gateway.autoscaling.enabled=true").kinds())
        .contains("PodDisruptionBudget");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "operator.replicas=-1            | at '/operator/replicas': minimum: got -1, want 0",
        "settings.logLevel=loud          | at '/settings/logLevel': value must be one of 'trace', 'debug', 'info', 'warn', 'error', 'off'",
        "settings.baseDomain=Not_A_Name  | at '/settings/baseDomain': 'Not_A_Name' does not match pattern",
        "managementPort=70000            | at '/managementPort': maximum: got 70,000, want 65,535",
        "image.pullPolicy=Sometimes      | at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'",
        "settings.gatewayUrl=ftp://gw    | at '/settings/gatewayUrl': 'ftp://gw' does not match pattern",
        "settings.watchNamespaces={Bad_NS} | at '/settings/watchNamespaces/0': 'Bad_NS' does not match pattern",
        "gateway.sessionLifetime=forever | at '/gateway/sessionLifetime': 'forever' does not match pattern",
        "operator.leaderElection=maybe   | at '/operator/leaderElection': got string, want boolean",
        "replicaCount=3                  | additional properties 'replicaCount' not allowed",
        "secretAdmissionPolicy.enabled=no | at '/secretAdmissionPolicy/enabled': got string, want boolean",
        "networkPolicy.gatewayFromNamespaceSelector.matchlabels.a=b | additional properties 'matchlabels' not allowed",
        "settings.exposure.mode=gateway  | at '/settings/exposure/mode': value must be one of 'ingress', 'gateway-api'",
        "settings.exposure.gatewayApi.auth=nginx | at '/settings/exposure/gatewayApi/auth': value must be one of 'traefik', 'envoy-gateway', 'external-auth', 'istio'",
        "settings.exposure.gatewayApi.istioProvider=-x | at '/settings/exposure/gatewayApi/istioProvider': '-x' does not match pattern",
      })
  void schemaRejectsBadValuesWithAClearMessage(String value, String message) {
    CommandResult result =
        helm.run("template", "aideploy", helm.chart().toString(), "--set", value);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output())
        .contains("values don't meet the specifications of the schema")
        .contains(message);
  }

  private static void assertHardenedWithProbes(Deployment deployment) {
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tmp");
              assertThat(v.getEmptyDir()).isNotNull();
            });
    Container container = container(deployment);
    var security = container.getSecurityContext();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
    assertThat(container.getPorts())
        .anyMatch(p -> p.getName().equals("management") && p.getContainerPort() == 8081);
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  private static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> env(Deployment deployment) {
    return container(deployment).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  /** Each rule as {@code group/resource:verbs}, one entry per resource. */
  private static List<String> rules(List<PolicyRule> rules) {
    List<String> flat = new ArrayList<>();
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          flat.add(group + "/" + resource + ":" + String.join(",", rule.getVerbs()));
        }
      }
    }
    return flat;
  }
}
