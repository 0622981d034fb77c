package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.Role;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The external-auth check that proxies call for every request to every app (any method), one
 * decision core behind the {@link ProxyAdapter}s: who is asking (bearer token, sign-in ticket or
 * session cookie), for which app, and what to answer. Also where the sign-in hand-off and sign-out
 * happen, since only this check runs on the app's own host.
 */
final class AuthEndpoint {
  static final String TOKEN_HEADER = "X-Aideploy-Token";
  static final String ROLE_HEADER = "X-Aideploy-Role";
  static final String CHALLENGE = "Bearer realm=\"aideploy\"";

  // Encoded once: these go out with every answer (see HttpHeaders.createOptimized).
  private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence TOKEN = HttpHeaders.createOptimized(TOKEN_HEADER);
  private static final CharSequence ROLE = HttpHeaders.createOptimized(ROLE_HEADER);
  private static final CharSequence WWW_AUTHENTICATE =
      HttpHeaders.createOptimized("WWW-Authenticate");
  private static final CharSequence BEARER_CHALLENGE = HttpHeaders.createOptimized(CHALLENGE);
  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
  private static final CharSequence TEXT_PLAIN =
      HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final Map<Role, CharSequence> ROLES = new EnumMap<>(Role.class);

  static {
    for (Role role : Role.values()) {
      ROLES.put(role, HttpHeaders.createOptimized(role.name()));
    }
  }

  private static final CharSequence SET_COOKIE = HttpHeaders.createOptimized("Set-Cookie");
  private static final CharSequence LOCATION = HttpHeaders.createOptimized("Location");

  private final GatewayContext gateway;

  AuthEndpoint(GatewayContext gateway) {
    this.gateway = gateway;
  }

  /** Answers one check from {@code proxy} over HTTP. */
  void handle(HttpServerRequest request, ProxyAdapter proxy, String client, long startNanos) {
    handle(new HttpCheck(request, proxy, gateway), client, startNanos);
  }

  /** Answers one check: the same decision whichever proxy asks, over whichever transport. */
  void handle(AuthCheck check, String client, long startNanos) {
    Decision decision;
    Credential credential = new Credential.None();
    ProxyAdapter.BrowserRequest browser = null;
    try {
      AppLocator.Located located = check.app(gateway.locator());
      String authorization = check.header("Authorization");
      // Only browsers need the browser's request (ticket, sign-out): not read for bearer calls.
      browser = authorization == null ? check.browserRequest() : null;
      credential = Credential.of(authorization, ticket(browser), check::sessionCookie);
      decision = gateway.authorizer().authorize(located, credential, new CorsPreflight(check));
      if (!decision.allowed() && credential instanceof Credential.Ticket) {
        // A stale ticket (a bookmark, the back button) must not hide a good session.
        String cookie = check.sessionCookie();
        if (cookie != null && !cookie.isEmpty()) {
          credential = new Credential.Session(cookie);
          decision = gateway.authorizer().authorize(located, credential);
        }
      }
    } catch (RequestContext.MalformedRequest e) {
      decision = Decision.of(Outcome.BAD_REQUEST, Reason.MALFORMED_REQUEST, null);
    }
    decision = countFailure(gateway, decision, client);
    if (decision.allowed() && decision.token() != null) {
      gateway.lastUsed().used(decision.token());
      if (credential instanceof Credential.Session && isSignOut(browser)) {
        signOut(check, decision, client, startNanos);
        return;
      }
    }
    gateway.record(check.route(), decision, client, startNanos);
    if (decision.allowed() && decision.token() != null && credential instanceof Credential.Ticket) {
      handOff(check, browser, decision);
      return;
    }
    if (decision.outcome() == Outcome.UNAUTHENTICATED
        && decision.appId() != null
        && isPageLoad(check, browser)
        && check.passesRedirects()) {
      // What nginx's auth-signin does, for proxies that have none (Traefik, Envoy).
      check
          .status(303)
          .header(CACHE_CONTROL, NO_STORE)
          .header(LOCATION, signInPage(decision.appId(), browser.target()))
          .end("");
      return;
    }
    long retryAfter =
        decision.outcome() == Outcome.RATE_LIMITED
            ? gateway.failures().retryAfterSeconds(client)
            : 0;
    answer(check, decision, retryAfter);
  }

  /**
   * Counts a refused credential against the client's address, and turns the refusal into 429 once
   * the address is over its limit. A credential that is accepted never gets here, so nobody can
   * lock others out by failing from (or claiming) their address.
   */
  static Decision countFailure(GatewayContext gateway, Decision decision, String client) {
    if (!decision.isFailedAttempt()) {
      return decision;
    }
    boolean overLimit = gateway.failures().retryAfterSeconds(client) > 0;
    gateway.failures().recordFailure(client);
    return overLimit
        ? new Decision(Outcome.RATE_LIMITED, Reason.RATE_LIMITED, null, decision.appId())
        : decision;
  }

  /**
   * The sign-in ticket in the browser's query ({@value SessionCookie#TICKET_PARAM}), or null. The
   * rest of the query is the app's business; only a repeated ticket is refused as ambiguous.
   */
  static String ticket(ProxyAdapter.BrowserRequest browser) {
    String query = browser == null ? null : browser.query();
    if (query == null || query.indexOf(SessionCookie.TICKET_PARAM) < 0) {
      return null;
    }
    String found = null;
    String prefix = SessionCookie.TICKET_PARAM + "=";
    for (String pair : query.split("&", -1)) {
      if (pair.startsWith(prefix)) {
        if (found != null) {
          throw new RequestContext.MalformedRequest();
        }
        found = pair.substring(prefix.length());
      }
    }
    return found == null || found.isEmpty() ? null : found;
  }

  /** {@code target} without the sign-in ticket, for the redirect that follows the hand-off. */
  static String withoutTicket(String target) {
    int mark = target.indexOf('?');
    if (mark < 0) {
      return target;
    }
    StringBuilder kept = new StringBuilder();
    for (String pair : target.substring(mark + 1).split("&", -1)) {
      if (!pair.startsWith(SessionCookie.TICKET_PARAM + "=") && !pair.isEmpty()) {
        kept.append(kept.length() == 0 ? "?" : "&").append(pair);
      }
    }
    return target.substring(0, mark) + kept;
  }

  /** A browser asking for a page (not a script calling an API): one a sign-in page can follow. */
  private static boolean isPageLoad(AuthCheck check, ProxyAdapter.BrowserRequest browser) {
    if (browser == null
        || !(browser.method().equalsIgnoreCase("GET")
            || browser.method().equalsIgnoreCase("HEAD"))) {
      return false;
    }
    String accept = check.listHeader("Accept");
    return accept != null && accept.contains("text/html");
  }

  /**
   * The login page, with {@code rd} the browser's address on the app's own host: built from the app
   * id the proxy named, never from a host header the client wrote.
   */
  private String signInPage(String appId, String target) {
    String login = gateway.settings().loginUrl().toString();
    String rd = "https://" + gateway.settings().appHost(appId) + (target == null ? "/" : target);
    return login
        + (login.contains("?") ? "&" : "?")
        + "rd="
        + URLEncoder.encode(rd, StandardCharsets.UTF_8);
  }

  private static boolean isSignOut(ProxyAdapter.BrowserRequest browser) {
    return browser != null
        && browser.method().equalsIgnoreCase("POST")
        && browser.path().equals(SessionCookie.SIGN_OUT_PATH);
  }

  /**
   * The ticket was good: the session cookie goes to the browser on the app's own host. Where the
   * proxy passes redirects, a 303 to the same address without the ticket keeps it out of the app
   * and the address bar; behind nginx the request goes on (200) and the app sees the ticket once.
   */
  private void handOff(AuthCheck check, ProxyAdapter.BrowserRequest browser, Decision decision) {
    SessionCookie.Issued issued = gateway.sessions().session(decision.token(), decision.appId());
    String cookie = SessionCookie.setCookie(issued.value(), issued.maxAgeSeconds());
    if (browser != null && check.passesRedirects()) {
      check
          .status(303)
          .header(SET_COOKIE, cookie)
          .header(CACHE_CONTROL, NO_STORE)
          // Absolute, on the app's host from the app id: Traefik resolves a relative Location
          // against the address it called, which is the gateway's, not the browser's.
          .header(
              LOCATION,
              "https://"
                  + gateway.settings().appHost(decision.appId())
                  + withoutTicket(browser.target()))
          .end("");
    } else {
      check.header(SET_COOKIE, cookie);
      answer(check, decision, 0);
    }
  }

  /**
   * {@code POST /.aideploy/sign-out} on an app's host with a good session: every session of the
   * token ends on every replica, then the browser is told it is signed out (401, or a redirect to
   * the login page where the proxy passes one). When the write fails, 503: nothing is pretended.
   */
  private void signOut(AuthCheck check, Decision session, String client, long startNanos) {
    TokenEntry token = session.token();
    Context context = Vertx.currentContext();
    Future<Void> written;
    if (context != null) {
      written =
          context.executeBlocking(
              () -> {
                gateway.signOut().signOut(token);
                return null;
              },
              false);
    } else {
      // Not on an event loop (the gRPC port's own threads), so the write may block here.
      try {
        gateway.signOut().signOut(token);
        written = Future.succeededFuture();
      } catch (RuntimeException e) {
        written = Future.failedFuture(e);
      }
    }
    written.onComplete(
        result -> {
          if (result.failed()) {
            Decision failed =
                new Decision(Outcome.UNAVAILABLE, Reason.INTERNAL_ERROR, token, session.appId());
            gateway.record(check.route(), failed, client, startNanos);
            answer(check, failed, 0);
            return;
          }
          Decision out =
              new Decision(Outcome.UNAUTHENTICATED, Reason.SIGNED_OUT, token, session.appId());
          gateway.record(check.route(), out, client, startNanos);
          check.header(SET_COOKIE, SessionCookie.setCookie("", 0));
          if (check.passesRedirects()) {
            check
                .status(303)
                .header(CACHE_CONTROL, NO_STORE)
                .header(LOCATION, signInPage(session.appId(), null))
                .end("");
          } else {
            answer(check, out, 0);
          }
        });
  }

  static void answer(AuthCheck response, Decision decision, long retryAfterSeconds) {
    response.status(decision.outcome().status);
    response.header(CACHE_CONTROL, NO_STORE);
    switch (decision.outcome()) {
      case ALLOW -> {
        if (decision.token() != null) {
          response.header(TOKEN, decision.token().name());
          response.header(ROLE, ROLES.get(decision.token().role()));
        }
      }
      case UNAUTHENTICATED -> response.header(WWW_AUTHENTICATE, BEARER_CHALLENGE);
      case RATE_LIMITED -> response.header("Retry-After", Long.toString(retryAfterSeconds));
      case UNAVAILABLE -> response.header("Retry-After", "1");
      default -> {}
    }
    response.header(CONTENT_TYPE, TEXT_PLAIN);
    response.end(decision.outcome().body());
  }
}
