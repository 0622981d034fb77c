package io.aideploy.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Browser sign-in: {@code GET /login?rd=…} serves the page, {@code POST /login} checks the token
 * against the app behind {@code rd}, sets the session cookie and redirects, {@code POST /logout}
 * clears it. POSTs are CSRF-checked twice: the {@code Origin} (or, failing that, {@code Referer})
 * must be the login page's own origin, and the form must carry a signed, expiring form token that
 * only this page hands out.
 */
final class LoginEndpoint {
  static final int MAX_FORM_BYTES = 8 * 1024;
  private static final String VALID_WITHOUT_APP =
      "This token is valid. To use an app, open the app's own address: you sign in to each app"
          + " from there.";

  private final GatewayContext gateway;
  private final RedirectTarget redirects;
  private final LoginCsrf csrf;
  private final String appDomain;

  LoginEndpoint(GatewayContext gateway) {
    this.gateway = gateway;
    this.redirects = new RedirectTarget(gateway.locator(), gateway.index());
    this.csrf = new LoginCsrf(gateway);
    this.appDomain = "." + gateway.settings().baseDomain();
  }

  static boolean handles(String path) {
    return path.equals("/login") || path.equals("/logout");
  }

  void handle(HttpServerRequest request, String client, long start) {
    boolean login = request.path().equals("/login");
    if (login
        && (request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD))) {
      showPage(request);
    } else if (request.method().equals(HttpMethod.POST)) {
      if (!acceptableLength(request.getHeader("Content-Length"))) {
        page(request.response(), 413, null, null, null, "The form is too large.", false);
        return;
      }
      request.setExpectMultipart(true);
      request
          .end()
          .onComplete(
              body -> {
                if (body.failed()) {
                  page(
                      request.response(),
                      400,
                      null,
                      null,
                      null,
                      "The form could not be read.",
                      false);
                } else {
                  try {
                    if (login) {
                      signIn(request, request.formAttributes(), client, start);
                    } else {
                      signOut(request, request.formAttributes());
                    }
                  } catch (RuntimeException e) {
                    // Repeated fields or an undecodable form: the user's, not ours.
                    if (!request.response().ended()) {
                      page(
                          request.response(),
                          400,
                          null,
                          null,
                          null,
                          "The form could not be read.",
                          false);
                    }
                  }
                }
              });
    } else {
      request.response().putHeader("Allow", login ? "GET, HEAD, POST" : "POST");
      page(
          request.response(),
          405,
          null,
          null,
          null,
          "This address does not accept that method.",
          false);
    }
  }

  private static boolean acceptableLength(String header) {
    if (header == null) {
      return true; // chunked: the codec's form-size limit still applies
    }
    String digits = header.strip();
    return !digits.isEmpty()
        && digits.length() <= 6
        && digits.chars().allMatch(Character::isDigit)
        && Integer.parseInt(digits) <= MAX_FORM_BYTES;
  }

  private void showPage(HttpServerRequest request) {
    String rd = RequestContext.queryParam(request, "rd");
    if (!gateway.index().isSynced()) {
      page(
          request.response(),
          503,
          null,
          null,
          null,
          "The sign-in service is starting. Please try again in a moment.",
          false);
      return;
    }
    RedirectTarget.Target target = rd == null ? null : redirects.parse(rd);
    if (rd != null && target == null) {
      page(
          request.response(),
          400,
          null,
          null,
          null,
          "This sign-in link does not lead to a known app, so it cannot be used.",
          false);
      return;
    }
    AppEntry app = target == null ? null : gateway.index().app(target.appId());
    page(request.response(), 200, app, target, csrf.formToken(), null, true, app != null, null);
  }

  private void signIn(HttpServerRequest request, MultiMap form, String client, long start) {
    HttpServerResponse response = request.response();
    String rd = single(form, "rd");
    RedirectTarget.Target target = rd == null ? null : redirects.parse(rd);
    AppEntry app = target == null ? null : gateway.index().app(target.appId());
    Decision decision;
    String error;
    if (!gateway.index().isSynced()) {
      decision = Decision.of(Outcome.UNAVAILABLE, Reason.NOT_SYNCED, null);
      error = "The sign-in service is starting. Please try again in a moment.";
    } else if (!csrf.sameOrigin(request) || !csrf.validFormToken(single(form, "csrf"))) {
      decision = Decision.of(Outcome.FORBIDDEN, Reason.CSRF_CHECK_FAILED, null);
      error = "This form has expired or was sent from another site. Please try again.";
    } else if (rd != null && target == null) {
      decision = Decision.of(Outcome.BAD_REQUEST, Reason.BAD_REDIRECT, null);
      error = "This sign-in link does not lead to a known app, so it cannot be used.";
    } else {
      String value = single(form, "token");
      Credential credential =
          value == null || value.isBlank()
              ? new Credential.None()
              : new Credential.Bearer(value.strip());
      decision = gateway.authorizer().authenticate(credential, app == null ? null : app.id());
      if (decision.allowed() && app != null) {
        decision = gateway.authorizer().scope(decision.token(), app);
      }
      decision = AuthEndpoint.countFailure(gateway, decision, client);
      error =
          switch (decision.reason()) {
            case TOKEN_OK -> null;
            case RATE_LIMITED ->
                "Too many wrong tokens from your address. Please wait a minute and try again.";
            case NO_TOKEN -> "Please enter your access token.";
            case TOKEN_EXPIRED -> "This token has expired. Ask for a new one.";
            case TOKEN_NOT_READY -> "This token is not active. Ask for a new one.";
            case OTHER_NAMESPACE, OUT_OF_SCOPE ->
                "This token is valid but does not give access to this app.";
            default -> "This token is not valid. Check that you pasted all of it.";
          };
    }
    if (decision.outcome() == Outcome.RATE_LIMITED) {
      response.putHeader(
          "Retry-After", Long.toString(gateway.failures().retryAfterSeconds(client)));
    }
    gateway.record(GatewayMetrics.Route.LOGIN, decision, client, start);
    if (!decision.allowed()) {
      boolean showForm = decision.reason() != Reason.BAD_REDIRECT;
      page(
          response,
          decision.outcome().status,
          app,
          target,
          csrf.formToken(),
          error,
          showForm,
          false,
          null);
      return;
    }
    gateway.lastUsed().used(decision.token());
    if (app == null) {
      page(response, 200, null, null, csrf.formToken(), null, false, false, VALID_WITHOUT_APP);
      return;
    }
    // The login host cannot set a cookie for the app's host: the app's own check exchanges this
    // ticket for the session (see SessionCookie).
    String ticket = gateway.sessions().ticket(decision.token(), app.id());
    response
        .setStatusCode(303)
        .putHeader("Location", withTicket(target.url(), ticket))
        .putHeader("Cache-Control", "no-store")
        .end();
  }

  /** {@code url} with the sign-in ticket added to its query, before any fragment. */
  static String withTicket(String url, String ticket) {
    int hash = url.indexOf('#');
    String base = hash < 0 ? url : url.substring(0, hash);
    String fragment = hash < 0 ? "" : url.substring(hash);
    return base
        + (base.indexOf('?') < 0 ? "?" : "&")
        + SessionCookie.TICKET_PARAM
        + "="
        + ticket
        + fragment;
  }

  /**
   * Sessions live on the apps' hosts, which the login host cannot see: for an app's {@code rd}, a
   * 307 (which keeps the POST) sends the browser to that app's sign-out path, where its check ends
   * every session of the token; otherwise back to the login page.
   */
  private void signOut(HttpServerRequest request, MultiMap form) {
    HttpServerResponse response = request.response();
    if (!csrf.sameOrigin(request)) {
      page(response, 403, null, null, null, "This form was sent from another site.", false);
      return;
    }
    String rd = single(form, "rd");
    RedirectTarget.Target target = rd == null ? null : redirects.parse(rd);
    if (target != null && target.appId() != null) {
      response
          .setStatusCode(307)
          .putHeader(
              "Location",
              "https://" + gateway.settings().appHost(target.appId()) + SessionCookie.SIGN_OUT_PATH)
          .putHeader("Cache-Control", "no-store")
          .end();
      return;
    }
    response
        .setStatusCode(303)
        .putHeader("Location", gateway.settings().loginUrl().toString())
        .putHeader("Cache-Control", "no-store")
        .end();
  }

  private static String single(MultiMap form, String name) {
    var values = form.getAll(name);
    if (values.size() > 1) {
      throw new RequestContext.MalformedRequest();
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private void page(
      HttpServerResponse response,
      int status,
      AppEntry app,
      RedirectTarget.Target target,
      String formToken,
      String error,
      boolean showForm) {
    page(response, status, app, target, formToken, error, showForm, false, null);
  }

  private void page(
      HttpServerResponse response,
      int status,
      AppEntry app,
      RedirectTarget.Target target,
      String formToken,
      String error,
      boolean showForm,
      boolean offerSignOut,
      String notice) {
    String html =
        LoginPage.render(
            app == null ? null : app.name(),
            app == null ? null : gateway.settings().appUrl(app.id()),
            target == null ? null : target.url(),
            formToken,
            error,
            showForm && formToken != null,
            offerSignOut,
            notice);
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        // Not no-referrer: under it browsers send "Origin: null" with the form's POST, which the
        // CSRF check must refuse. same-origin still keeps rd and the page out of other sites' logs.
        .putHeader("Referrer-Policy", "same-origin")
        // The form's 303 goes to an app host: form-action must allow the app domain too.
        .putHeader(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https://*"
                + appDomain
                + "; frame-ancestors 'none'; base-uri 'none'")
        .end(html);
  }
}
