package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.Role;
import io.aideploy.api.v1alpha1.TokenPhase;
import io.aideploy.kube.Rfc3339;
import io.aideploy.labels.Selector;
import io.aideploy.labels.SelectorSyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What the gateway knows of an AiToken: never its value, only the hash the operator published.
 *
 * @param selector the parsed scope; null when it does not parse, and then the token grants nothing
 * @param expiresAt the earlier of spec and status expiry; null: none
 * @param usable whether the operator reports it Ready, it is not being deleted and its expiry
 *     parses
 * @param lastUsedAt status.lastUsedAt as published, so that replicas do not all patch it
 * @param sessionsNotBefore status.sessionsNotBefore: sessions issued until then are signed out
 * @param previousHash the hash of the value a regeneration replaced, while it still works for its
 *     grace period; null when there is none
 * @param previousUntil when the previous value stops working (exclusive); null with previousHash
 */
record TokenEntry(
    String namespace,
    String name,
    String uid,
    Role role,
    Selector selector,
    Instant expiresAt,
    boolean usable,
    String tokenHash,
    Instant lastUsedAt,
    Instant sessionsNotBefore,
    String previousHash,
    Instant previousUntil) {

  String key() {
    return key(namespace, name);
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** The entry of a token, or null when it has no published hash (so no value can match it). */
  static TokenEntry from(AiToken token) {
    var status = token.getStatus();
    if (status == null || status.getTokenHash() == null || status.getTokenHash().isBlank()) {
      return null;
    }
    var spec = token.getSpec();
    boolean usable =
        status.getPhase() == TokenPhase.Ready
            && token.getMetadata().getDeletionTimestamp() == null
            && spec != null
            && spec.getRole() != null;
    Selector selector = null;
    if (spec != null) {
      try {
        selector = Selector.parseTokenScope(spec.getLabelSelector());
      } catch (SelectorSyntaxException e) {
        // The operator reports it Invalid; here it simply matches nothing.
      }
    }
    Instant expiresAt = null;
    try {
      expiresAt =
          earlier(parse(spec == null ? null : spec.getExpiresAt()), parse(status.getExpiresAt()));
    } catch (DateTimeParseException e) {
      // An expiry we cannot read must not turn into "never expires".
      usable = false;
    }
    Instant lastUsed = null;
    try {
      lastUsed = parse(status.getLastUsedAt());
    } catch (DateTimeParseException e) {
      // Only an optimisation: patch again.
    }
    Instant sessionsNotBefore = null;
    try {
      sessionsNotBefore = parse(status.getSessionsNotBefore());
    } catch (DateTimeParseException e) {
      // A sign-out we cannot read must not leave sessions working: end them all.
      sessionsNotBefore = Instant.ofEpochMilli(Long.MAX_VALUE);
    }
    String previousHash = status.getPreviousTokenHash();
    Instant previousUntil = null;
    try {
      previousUntil = parse(status.getPreviousValueValidUntil());
    } catch (DateTimeParseException e) {
      // A grace period we cannot read ends now.
    }
    if (previousHash == null || previousHash.isBlank() || previousUntil == null) {
      previousHash = null;
      previousUntil = null;
    }
    return new TokenEntry(
        token.getMetadata().getNamespace(),
        token.getMetadata().getName(),
        token.getMetadata().getUid(),
        spec == null ? null : spec.getRole(),
        selector,
        expiresAt,
        usable,
        status.getTokenHash(),
        lastUsed,
        sessionsNotBefore,
        previousHash,
        previousUntil);
  }

  /**
   * This token as its previous value stands for it: the same token, whose value is the previous one
   * and which expires when the grace period ends (or earlier, with the token). Null when there is
   * no previous value. Sessions made with it are bound to that value, so they end with it.
   */
  TokenEntry asPrevious() {
    if (previousHash == null) {
      return null;
    }
    Instant ends =
        expiresAt == null || previousUntil.isBefore(expiresAt) ? previousUntil : expiresAt;
    return new TokenEntry(
        namespace,
        name,
        uid,
        role,
        selector,
        ends,
        usable,
        previousHash,
        lastUsedAt,
        sessionsNotBefore,
        null,
        null);
  }

  /** Whether the token's time is up at {@code now}. */
  boolean isExpiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Whether the token covers {@code app}: same namespace and the selector matches. */
  boolean covers(AppEntry app) {
    return namespace.equals(app.namespace()) && selector != null && selector.matches(app.labels());
  }

  private static Instant parse(String text) {
    return text == null || text.isBlank() ? null : Rfc3339.parse(text);
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }
}
