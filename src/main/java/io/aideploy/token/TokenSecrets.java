package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** The Secret that holds a token's value: its name, its shape, and reading the value back. */
public final class TokenSecrets {
  public static final String TYPE = "aideploy.io/token";
  public static final String KEY = "token";

  /** Label naming the AiToken, so that Secret events find their token. */
  public static final String TOKEN_LABEL = "aideploy.io/token";

  private TokenSecrets() {}

  /** The Secret of a token has the token's name. */
  public static String secretName(AiToken token) {
    return token.getMetadata().getName();
  }

  /** A Secret holding {@code value}, owned by {@code token}. */
  public static Secret build(AiToken token, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName(token))
        .withNamespace(token.getMetadata().getNamespace())
        .withLabels(
            Map.of(
                ReservedLabels.MANAGED_BY,
                ReservedLabels.MANAGER,
                TOKEN_LABEL,
                token.getMetadata().getName()))
        .addNewOwnerReference()
        .withApiVersion(token.getApiVersion())
        .withKind(token.getKind())
        .withName(token.getMetadata().getName())
        .withUid(token.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .endMetadata()
        .withType(TYPE)
        .withImmutable(false)
        .addToData(KEY, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  /** The value a Secret holds, or null when it has none (or is not a token Secret). */
  public static String value(Secret secret) {
    if (secret == null || secret.getData() == null || secret.getData().get(KEY) == null) {
      return null;
    }
    try {
      return new String(
          Base64.getDecoder().decode(secret.getData().get(KEY)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether {@code secret} belongs to {@code token} (and so may be overwritten or deleted): it is
   * owned by it, or it is our token Secret for that name with its owner reference stripped, as the
   * garbage collector does when the token is deleted with {@code --cascade=orphan}.
   */
  public static boolean ownedBy(Secret secret, AiToken token) {
    var owners = secret.getMetadata().getOwnerReferences();
    if (!owners.isEmpty()) {
      return owners.stream().anyMatch(ref -> token.getMetadata().getUid().equals(ref.getUid()));
    }
    Map<String, String> labels = secret.getMetadata().getLabels();
    return TYPE.equals(secret.getType())
        && labels != null
        && ReservedLabels.MANAGER.equals(labels.get(ReservedLabels.MANAGED_BY))
        && token.getMetadata().getName().equals(labels.get(TOKEN_LABEL));
  }
}
