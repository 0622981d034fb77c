package io.aideploy.cli;

import java.io.InputStream;
import java.net.URI;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A token and the gateway's address: the way to manage apps without any cluster access. The token
 * is never a flag (the process list would show it to every user of the machine), and it only
 * travels over https unless the user says otherwise.
 */
public class GatewayOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "<url>",
      defaultValue = "${env:AIDEPLOY_URL}",
      description =
          "Gateway base URL (e.g. https://login.apps.example.com): use its lifecycle API instead of"
              + " the Kubernetes API. Env: AIDEPLOY_URL.")
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "<path>",
      description =
          "File holding the access token for the gateway ('-': read it from standard input)."
              + " Without it the token comes from the AIDEPLOY_TOKEN variable.")
  String tokenFile;

  @Option(
      names = "--insecure",
      description =
          "Allow an http:// --url. The token would cross the network in clear text, readable by"
              + " anyone on the path: only for a gateway on this machine or a trusted network.")
  boolean insecure;

  // Only here to turn `--token <value>` into a clear error rather than "unknown option", which
  // could tempt people into other spellings. Hidden: it is not a way to pass a token.
  @Option(names = "--token", hidden = true, arity = "0..1", fallbackValue = "")
  void refuseTokenFlag(String ignored) {
    throw new ParameterException(
        spec.commandLine(),
        "--token is not accepted: a flag's value is visible to other users in the process list;"
            + " set AIDEPLOY_TOKEN or pass --token-file <path> (or --token-file - for stdin)");
  }

  /** Reads environment variables; tests replace it. */
  Function<String, String> environment = System::getenv;

  /** Standard input, for {@code --token-file -}; tests replace it. */
  Supplier<InputStream> stdin = () -> System.in;

  private String token;

  /** True when the command should go through the gateway rather than the Kubernetes API. */
  boolean useGateway() {
    boolean hasUrl = url != null && !url.isBlank();
    boolean hasToken = tokenFile != null || !isBlank(environment.apply("AIDEPLOY_TOKEN"));
    if (hasToken && !hasUrl) {
      throw CliException.usage(
          "a token needs the gateway's address: pass --url or set AIDEPLOY_URL");
    }
    if (hasUrl && !hasToken) {
      throw CliException.usage(
          "the gateway needs a token: set AIDEPLOY_TOKEN or pass --token-file <path>, or drop"
              + " --url to use the Kubernetes API");
    }
    return hasUrl;
  }

  /** The token: from {@code --token-file} when given (it wins over the variable), else the env. */
  String token() {
    if (token == null) {
      token =
          tokenFile != null
              ? TokenFile.read(tokenFile, stdin)
              : environment.apply("AIDEPLOY_TOKEN").strip();
    }
    return token;
  }

  URI baseUri() {
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw CliException.usage(
          "--url must be an http(s) URL such as https://login.apps.example.com, not '" + url + "'");
    }
    if (uri.getScheme().equals("http") && !insecure) {
      throw CliException.usage(
          "--url "
              + url
              + " is plain http: the token would cross the network in clear text; use https, or"
              + " pass --insecure if the path to the gateway is trusted (e.g. localhost)");
    }
    return uri;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
