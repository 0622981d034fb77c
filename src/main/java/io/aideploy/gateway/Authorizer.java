package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.crypto.TokenValue;
import java.time.Clock;
import java.time.Instant;

/**
 * The access rules of docs/gateway.md, on the index alone: which token a credential stands for, and
 * whether that token may reach an app. Every path that is not a clear yes is a no.
 */
final class Authorizer {
  private final AccessIndex index;
  private final Clock clock;
  private final SessionCookie sessions;

  Authorizer(AccessIndex index, Clock clock, SessionCookie sessions) {
    this.index = index;
    this.clock = clock;
    this.sessions = sessions;
  }

  /** The {@code /auth} decision for a located app and a credential. */
  Decision authorize(AppLocator.Located located, Credential credential) {
    return authorize(located, credential, CorsPreflight.NONE);
  }

  /**
   * The {@code /auth} decision, where a credential-less request may also be a CORS preflight from
   * an origin the app lists.
   */
  Decision authorize(AppLocator.Located located, Credential credential, CorsPreflight preflight) {
    if (!index.isSynced()) {
      return Decision.of(Outcome.UNAVAILABLE, Reason.NOT_SYNCED, located.appId());
    }
    if (located.malformed()) {
      return Decision.of(Outcome.BAD_REQUEST, Reason.MALFORMED_REQUEST, null);
    }
    AppEntry app = index.app(located.appId());
    if (app == null) {
      return Decision.of(Outcome.FORBIDDEN, Reason.UNKNOWN_APP, located.appId());
    }
    if (app.access() == Access.Public) {
      return Decision.of(Outcome.ALLOW, Reason.PUBLIC_APP, app.id());
    }
    if (credential instanceof Credential.None && preflight.from(app.corsOrigins())) {
      return Decision.of(Outcome.ALLOW, Reason.CORS_PREFLIGHT, app.id());
    }
    Decision authenticated = authenticate(credential, app.id());
    if (!authenticated.allowed()) {
      return authenticated;
    }
    return scope(authenticated.token(), app);
  }

  /** Whether {@code token} (already authenticated) reaches {@code app}. */
  Decision scope(TokenEntry token, AppEntry app) {
    if (!token.namespace().equals(app.namespace())) {
      return new Decision(Outcome.FORBIDDEN, Reason.OTHER_NAMESPACE, token, app.id());
    }
    if (!token.covers(app)) {
      return new Decision(Outcome.FORBIDDEN, Reason.OUT_OF_SCOPE, token, app.id());
    }
    return new Decision(Outcome.ALLOW, Reason.TOKEN_OK, token, app.id());
  }

  /**
   * The token a credential stands for, as an ALLOW decision carrying it, or the refusal. {@code
   * appId} is the app asked about: a session or ticket must have been issued for it; for the other
   * credentials it is only carried along for the audit line.
   */
  Decision authenticate(Credential credential, String appId) {
    if (!index.isSynced()) {
      return Decision.of(Outcome.UNAVAILABLE, Reason.NOT_SYNCED, appId);
    }
    TokenEntry token;
    if (credential instanceof Credential.Bearer bearer) {
      // The format check costs nothing and keeps garbage away from hashing and the map.
      if (!TokenValue.isWellFormed(bearer.value())) {
        return Decision.of(Outcome.UNAUTHENTICATED, Reason.MALFORMED_TOKEN, appId);
      }
      // A map lookup by SHA-256 leaks at most timing about a hash, from which no value follows.
      String hash = TokenValue.hash(bearer.value());
      token = index.tokenByHash(hash);
      if (token == null) {
        return Decision.of(Outcome.UNAUTHENTICATED, Reason.UNKNOWN_TOKEN, appId);
      }
      if (!hash.equals(token.tokenHash())) {
        // A replaced value in its grace period: it stands for the token until the period ends,
        // which usable() checks against the clock.
        token = token.asPrevious();
      }
    } else if (credential instanceof Credential.Session session) {
      return signedIn(sessions.verifySession(session.cookie()), appId);
    } else if (credential instanceof Credential.Ticket ticket) {
      return signedIn(sessions.verifyTicket(ticket.ticket()), appId);
    } else if (credential instanceof Credential.Malformed) {
      return Decision.of(Outcome.UNAUTHENTICATED, Reason.MALFORMED_TOKEN, appId);
    } else {
      return Decision.of(Outcome.UNAUTHENTICATED, Reason.NO_TOKEN, appId);
    }
    return usable(token, appId);
  }

  /**
   * The token of a verified session or ticket ({@code null}: not ours, or expired), if it was
   * issued for {@code appId} and its token still has the value and has not been signed out since.
   */
  private Decision signedIn(SessionCookie.Reference reference, String appId) {
    if (reference == null) {
      return Decision.of(Outcome.UNAUTHENTICATED, Reason.INVALID_SESSION, appId);
    }
    // Replayed on another app's host (copied by hand: browsers never send it there).
    if (!reference.appId().equals(appId)) {
      return Decision.of(Outcome.UNAUTHENTICATED, Reason.SESSION_OTHER_APP, appId);
    }
    TokenEntry token = index.tokenByKey(reference.namespace(), reference.name());
    // Made with a replaced value in its grace period: it lives as long as that value.
    if (token != null && !reference.isCurrentFor(token) && token.asPrevious() != null) {
      TokenEntry previous = token.asPrevious();
      if (reference.isCurrentFor(previous)) {
        token = previous;
      }
    }
    // Deleted, regenerated or signed out since the sign-in: the session dies with the value.
    if (token == null || !reference.isCurrentFor(token)) {
      return Decision.of(Outcome.UNAUTHENTICATED, Reason.SESSION_REVOKED, appId);
    }
    return usable(token, appId);
  }

  Decision usable(TokenEntry token, String appId) {
    if (!token.usable()) {
      return new Decision(Outcome.UNAUTHENTICATED, Reason.TOKEN_NOT_READY, token, appId);
    }
    Instant now = clock.instant();
    // The operator also marks the token Expired, but only when it gets to it: check the time here.
    if (token.isExpiredAt(now)) {
      return new Decision(Outcome.UNAUTHENTICATED, Reason.TOKEN_EXPIRED, token, appId);
    }
    return new Decision(Outcome.ALLOW, Reason.TOKEN_OK, token, appId);
  }
}
