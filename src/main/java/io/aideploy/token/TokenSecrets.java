package io.aideploy.token;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.crypto.TokenValue;
import io.aideploy.kube.Rfc3339;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The Secret that holds a token's value: its name, its shape, and reading it back. The Secret
 * describes the value it holds in annotations (its hash, when it was issued, which regenerate
 * request it answers), as cert-manager's certificate Secrets do, so that the token's status can be
 * derived from it and a failed status write never leads to a second value.
 */
public final class TokenSecrets {
  public static final String TYPE = "aideploy.io/token";
  public static final String KEY = "token";

  /** {@code sha256:<hex>} of the value the Secret holds, as in the token's status. */
  public static final String HASH_ANNOTATION = "aideploy.io/token-hash";

  /** When the value was issued (RFC 3339, seconds). */
  public static final String ISSUED_AT_ANNOTATION = "aideploy.io/issued-at";

  /** The value of the token's regenerate annotation that this value answers, if any. */
  public static final String ANSWERS_ANNOTATION = "aideploy.io/regenerate-request";

  /** {@code sha256:<hex>} of the value this one replaced, while that one works on. */
  public static final String PREVIOUS_HASH_ANNOTATION = "aideploy.io/previous-token-hash";

  /** Until when (RFC 3339, seconds) the replaced value works. */
  public static final String PREVIOUS_UNTIL_ANNOTATION = "aideploy.io/previous-valid-until";

  /** Label naming the AiToken, so that Secret events find their token. */
  public static final String TOKEN_LABEL = "aideploy.io/token";

  private TokenSecrets() {}

  /** The Secret of a token has the token's name. */
  public static String secretName(AiToken token) {
    return token.getMetadata().getName();
  }

  /** A Secret holding {@code issued}, owned by {@code token}. */
  public static Secret build(AiToken token, IssuedValue issued) {
    Map<String, String> annotations = new HashMap<>();
    annotations.put(HASH_ANNOTATION, issued.hash());
    annotations.put(ISSUED_AT_ANNOTATION, issued.issuedAt());
    if (issued.answers() != null) {
      annotations.put(ANSWERS_ANNOTATION, issued.answers());
    }
    if (issued.previous() != null) {
      annotations.put(PREVIOUS_HASH_ANNOTATION, issued.previous().hash());
      annotations.put(PREVIOUS_UNTIL_ANNOTATION, issued.previous().validUntil().toString());
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName(secretName(token))
        .withNamespace(token.getMetadata().getNamespace())
        .withAnnotations(annotations)
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
        .addToData(
            KEY,
            Base64.getEncoder().encodeToString(issued.value().getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  /**
   * What {@code secret} says it holds, or null when it holds no value. A Secret written before
   * Secrets described themselves is read with the description the token's status kept for it, when
   * its value is the one that status names.
   */
  public static IssuedValue issued(Secret secret, AiTokenStatus status) {
    String value = value(secret);
    if (value == null) {
      return null;
    }
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String hash = annotations == null ? null : annotations.get(HASH_ANNOTATION);
    if (hash == null
        && status != null
        && status.getTokenHash() != null
        && TokenValue.matchesHash(value, status.getTokenHash())) {
      return new IssuedValue(
          value,
          status.getTokenHash(),
          status.getIssuedAt(),
          status.getRegenerateRequest(),
          null,
          false);
    }
    if (annotations == null) {
      return new IssuedValue(value, null, null, null, null, true);
    }
    return new IssuedValue(
        value,
        hash,
        annotations.get(ISSUED_AT_ANNOTATION),
        annotations.get(ANSWERS_ANNOTATION),
        previous(annotations),
        true);
  }

  /** The replaced value that works on, as the annotations say; null if they say nothing valid. */
  private static IssuedValue.Previous previous(Map<String, String> annotations) {
    String hash = annotations.get(PREVIOUS_HASH_ANNOTATION);
    String until = annotations.get(PREVIOUS_UNTIL_ANNOTATION);
    if (hash == null || until == null) {
      return null;
    }
    try {
      return new IssuedValue.Previous(hash, Rfc3339.parse(until));
    } catch (DateTimeParseException e) {
      return null; // unreadable: the replaced value does not work on
    }
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
