package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.Condition;
import io.aideploy.secrets.PodSecrets;
import io.aideploy.secrets.TokenSecretReferences;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Whether a new token value may be written into its Secret now. Not while a Pod could read it as
 * soon as it is there: while an aideploy Deployment's pod template names the Secret (anywhere, see
 * {@link PodSecrets}; a Deployment being deleted counts until it is gone, as its Pods may still
 * run), or while an AiApp names it in {@code spec.env} and has not yet been refused for its current
 * generation (its Deployment may be created from a spec read before the token existed).
 *
 * <p>The app side refuses such an app and deletes such a Deployment once it sees the AiToken; the
 * hold ends then, and the value is written. A refused app holds nothing: the app side creates and
 * changes no child of it, so a spec naming the Secret cannot keep a token from being issued (or
 * regenerated) for long.
 */
public final class IssueHold {
  /** Reason of the token's Ready condition and of the Warning Event while the value is held. */
  public static final String REASON = "SecretNameInUse";

  /** Holders named in the message; the rest are counted. */
  static final int NAMED = 5;

  /** How soon to look again while held, for the first minute, then afterwards. */
  static final Duration RETRY_SOON = Duration.ofSeconds(2);

  static final Duration RETRY_LATER = Duration.ofSeconds(15);

  private IssueHold() {}

  /** A Deployment or AiApp that names the token's Secret, with where it does. */
  public record Holder(String kind, String name, List<String> where) {
    @Override
    public String toString() {
      return kind + " " + name + " (" + String.join(", ", where) + ")";
    }
  }

  /**
   * What keeps a value from being written into Secret {@code secret}, sorted by kind and name;
   * empty when it may be written. {@code deployments} are the aideploy-managed Deployments and
   * {@code apps} the AiApps of the token's namespace.
   */
  public static List<Holder> holders(
      String secret, Collection<Deployment> deployments, Collection<AiApp> apps) {
    List<Holder> holders = new ArrayList<>();
    for (Deployment d : deployments) {
      List<String> where =
          PodSecrets.of(d).stream()
              .filter(use -> secret.equals(use.secret()))
              .map(PodSecrets.Use::where)
              .toList();
      if (!where.isEmpty()) {
        holders.add(new Holder("Deployment", d.getMetadata().getName(), where));
      }
    }
    for (AiApp app : apps) {
      if (isRefused(app)) {
        continue;
      }
      List<String> where =
          TokenSecretReferences.all(app.getSpec()).stream()
              .filter(r -> secret.equals(r.secret()))
              .map(r -> "env " + r.envVar())
              .toList();
      if (!where.isEmpty()) {
        holders.add(new Holder("AiApp", app.getMetadata().getName(), where));
      }
    }
    holders.sort(Comparator.comparing(Holder::kind).thenComparing(Holder::name));
    return holders;
  }

  /**
   * Whether the app side refused {@code app} for reading a token Secret, at its current generation:
   * it then creates or changes no child of the app until the spec changes.
   */
  static boolean isRefused(AiApp app) {
    var conditions = app.getStatus() == null ? null : app.getStatus().getConditions();
    if (conditions == null) {
      return false;
    }
    return conditions.stream()
        .filter(c -> Condition.READY.equals(c.getType()))
        .anyMatch(
            c ->
                TokenSecretReferences.REASON.equals(c.getReason())
                    && "False".equals(c.getStatus())
                    && c.getObservedGeneration() != null
                    && Objects.equals(
                        c.getObservedGeneration(), app.getMetadata().getGeneration()));
  }

  /** The condition and Event message: names of objects, places and the Secret, never a value. */
  public static String message(String secret, List<Holder> holders) {
    String named =
        holders.stream().limit(NAMED).map(Holder::toString).collect(Collectors.joining("; "));
    if (holders.size() > NAMED) {
      named += "; and " + (holders.size() - NAMED) + " more";
    }
    return "No value is written to Secret "
        + secret
        + " while a Pod could read it at once: "
        + named
        + " name"
        + (holders.size() == 1 ? "s" : "")
        + " it. aideploy deletes such a Deployment and refuses such an app now that the token"
        + " exists; the value is issued as soon as nothing names the Secret (a Deployment edited"
        + " by hand must be fixed or deleted by hand).";
  }

  /** How long to wait before looking again, given how long the value has been held. */
  public static Duration retryAfter(Duration heldFor) {
    return heldFor.compareTo(Duration.ofMinutes(1)) < 0 ? RETRY_SOON : RETRY_LATER;
  }
}
