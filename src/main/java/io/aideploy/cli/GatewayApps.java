package io.aideploy.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.lifecycle.NewAppRequest;
import io.aideploy.lifecycle.ScaleRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Apps through the gateway's lifecycle API ({@code /v1/apps}) with a bearer token: what a token
 * holder without any cluster access can do. The token decides which apps exist here.
 */
final class GatewayApps implements Apps {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;
  private final String token;

  GatewayApps(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public List<AppInfo> list() {
    JsonNode body = call("GET", "/v1/apps", null);
    List<AppInfo> apps = new ArrayList<>();
    for (JsonNode item : body.path("items")) {
      apps.add(JSON.convertValue(item, AppInfo.class));
    }
    apps.sort(Comparator.comparing(AppInfo::name));
    return apps;
  }

  @Override
  public AppInfo get(String ref) {
    // The API is keyed by id; people often type names. One list answers both.
    List<AppInfo> apps = list();
    return apps.stream()
        .filter(app -> ref.equals(app.id()))
        .findFirst()
        .or(() -> apps.stream().filter(app -> ref.equals(app.name())).findFirst())
        .orElseThrow(() -> notFound(ref));
  }

  @Override
  public AppInfo setState(AppInfo app, AppState state) {
    String action = state == AppState.Stopped ? "stop" : "start";
    return JSON.convertValue(
        call("POST", "/v1/apps/" + app.id() + "/" + action, app.name()), AppInfo.class);
  }

  @Override
  public void delete(AppInfo app) {
    call("DELETE", "/v1/apps/" + app.id(), app.name());
  }

  @Override
  public AppInfo create(NewAppRequest app) {
    return JSON.convertValue(call("POST", "/v1/apps", null, app), AppInfo.class);
  }

  @Override
  public AppInfo awaitReady(AppInfo created, Duration timeout) {
    // The gateway answers from a cache fed by the API server: wait until it has the new app.
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> response = send("GET", "/v1/apps/" + created.id(), null);
      if (response.statusCode() == 200) {
        return JSON.convertValue(parse(response.body()), AppInfo.class);
      }
      if (response.statusCode() != 404 || System.nanoTime() > deadline) {
        throw CliException.unavailable(
            "app "
                + created.name()
                + " (id "
                + created.id()
                + ") was created but the gateway did not show it within "
                + timeout.toSeconds()
                + "s; 'aideploy app get "
                + created.id()
                + "' follows it");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.unavailable("interrupted while waiting for the gateway");
      }
    }
  }

  @Override
  public AppInfo scale(AppInfo app, ScaleRequest scale) {
    return JSON.convertValue(
        call("POST", "/v1/apps/" + app.id() + "/scale", app.name(), scale), AppInfo.class);
  }

  private JsonNode call(String method, String path, String appName) {
    return call(method, path, appName, null);
  }

  private HttpResponse<String> send(String method, String path, Object body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the request", e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .method(method, publisher);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw CliException.unavailable(
          "the gateway at " + base + " did not answer in " + TIMEOUT.toSeconds() + "s; try again");
    } catch (IOException e) {
      throw CliException.unavailable(
          "cannot reach the gateway at "
              + base
              + " ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "); check --url or AIDEPLOY_URL");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.unavailable("interrupted while waiting for the gateway");
    }
  }

  private JsonNode call(String method, String path, String appName, Object requestBody) {
    HttpResponse<String> response = send(method, path, requestBody);
    JsonNode body = parse(response.body());
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return body;
    }
    if (!body.has("message") && (status == 404 || status == 405)) {
      // Not the gateway's own answer (it always says why): something else listens at that URL.
      throw CliException.unavailable(
          base
              + path
              + " answered HTTP "
              + status
              + ", so "
              + base
              + " is not an aideploy gateway; check --url or AIDEPLOY_URL: the gateway's base URL,"
              + " e.g. https://login.<base domain>, with no path");
    }
    String message = CliErrors.oneLine(body.path("message").asText("HTTP " + status));
    throw switch (status) {
      case 401 ->
          CliException.refused(
              "the gateway refused the token ("
                  + message
                  + "); it may be mistyped, regenerated, deleted or expired: check AIDEPLOY_TOKEN or --token-file");
      case 403 ->
          CliException.refused(
              message
                  + (message.contains("Reader")
                      ? "; creating, scaling, starting, stopping and deleting need an Operator"
                          + " token"
                      : ""));
      case 400, 413, 422 -> CliException.usage("the gateway refused the request: " + message);
      case 404 -> appName == null ? CliException.failed(message) : notFound(appName);
      case 429, 503 -> CliException.unavailable("the gateway says: " + message);
      default -> CliException.failed("the gateway answered HTTP " + status + ": " + message);
    };
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private CliException notFound(String ref) {
    return CliException.notFound(
        "no app named or with id '"
            + ref
            + "' among the apps this token can see; 'aideploy app ls' lists them");
  }

  @Override
  public String scope() {
    return "the gateway at " + base;
  }

  @Override
  public void close() {
    // java.net.http clients need no closing on Java 17.
  }
}
