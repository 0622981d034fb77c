package io.aideploy.secrets;

import io.aideploy.api.v1alpha1.AiAppSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Finds the Secrets an AiApp's container would read, and which of them hold an AiToken's value. The
 * Deployment copies {@code spec.env} as it is, so an app that names a token Secret in a {@code
 * secretKeyRef} would hand that token's value to whoever wrote the app: such an app is refused.
 *
 * <p>{@code spec.env} is the only place an AiApp can name a Secret (the spec has no {@code envFrom}
 * and no volumes); a field that adds another must be checked here too.
 */
public final class TokenSecretReferences {
  /** Reason of the Ready condition and of the Warning Event of a refused app. */
  public static final String REASON = "TokenSecretReferenced";

  /**
   * The sentence of the message of an app whose Deployment was deleted because its Pods could read
   * a token Secret (a reference written before the token existed).
   */
  public static final String DEPLOYMENT_DELETED =
      "Its Deployment was deleted, as its Pods could read a token Secret's value.";

  private TokenSecretReferences() {}

  /** One environment variable that reads a key of a Secret. */
  public record Reference(String envVar, String secret) {}

  /** Every {@code env[].valueFrom.secretKeyRef} of {@code spec}, in order. */
  public static List<Reference> all(AiAppSpec spec) {
    List<Reference> references = new ArrayList<>();
    if (spec == null || spec.getEnv() == null) {
      return references;
    }
    for (EnvVar env : spec.getEnv()) {
      SecretKeySelector ref =
          env == null || env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
      if (ref != null && ref.getName() != null && !ref.getName().isEmpty()) {
        references.add(new Reference(env.getName(), ref.getName()));
      }
    }
    return references;
  }

  /** The names of the Secrets {@code spec} references, for mapping Secret and token events. */
  public static Set<String> secretNames(AiAppSpec spec) {
    return all(spec).stream()
        .map(Reference::secret)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** The references of {@code spec} to Secrets that {@code isTokenSecret} says hold a token. */
  public static List<Reference> toTokenSecrets(AiAppSpec spec, Predicate<String> isTokenSecret) {
    return all(spec).stream().filter(r -> isTokenSecret.test(r.secret())).toList();
  }

  /**
   * The condition and Event message for a refused app: names of variables and Secrets only, never
   * anything read from a Secret.
   */
  public static String message(List<Reference> references) {
    return message(references, false);
  }

  /**
   * As {@link #message(List)}; when {@code deploymentDeleted}, it also says that the app's
   * Deployment was deleted and why.
   */
  public static String message(List<Reference> references, boolean deploymentDeleted) {
    String which =
        references.stream()
            .map(r -> "env " + r.envVar() + " references Secret " + r.secret())
            .collect(Collectors.joining("; "));
    return which
        + ": "
        + (references.size() == 1 ? "it holds" : "they hold")
        + " an AiToken's value, which an app may not read. "
        + (deploymentDeleted
            ? DEPLOYMENT_DELETED
                + " Remove the reference to have it created again; until then no Deployment is"
                + " created."
            : "Remove the reference; until then no Deployment is created or changed.");
  }
}
