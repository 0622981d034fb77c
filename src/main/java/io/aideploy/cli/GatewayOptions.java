package io.aideploy.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** A token and the gateway's address: the way to manage apps without any cluster access. */
public class GatewayOptions {
  @Option(
      names = "--url",
      paramLabel = "<url>",
      defaultValue = "${env:AIDEPLOY_URL}",
      description =
          "Gateway base URL (e.g. https://login.apps.example.com): use its lifecycle API instead of"
              + " the Kubernetes API. Env: AIDEPLOY_URL.")
  String url;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      defaultValue = "${env:AIDEPLOY_TOKEN}",
      description =
          "Access token for the gateway. Prefer the AIDEPLOY_TOKEN variable: a flag is visible to"
              + " other users in the process list.")
  String token;

  /** True when the command should go through the gateway rather than the Kubernetes API. */
  boolean useGateway() {
    boolean hasUrl = url != null && !url.isBlank();
    boolean hasToken = token != null && !token.isBlank();
    if (hasToken && !hasUrl) {
      throw CliException.usage(
          "a token needs the gateway's address: pass --url or set AIDEPLOY_URL");
    }
    if (hasUrl && !hasToken) {
      throw CliException.usage(
          "the gateway needs a token: set AIDEPLOY_TOKEN (or pass --token), or drop --url to use"
              + " the Kubernetes API");
    }
    return hasUrl;
  }

  URI baseUri() {
    try {
      URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          "--url must be an http(s) URL such as https://login.apps.example.com, not '" + url + "'");
    }
  }
}
