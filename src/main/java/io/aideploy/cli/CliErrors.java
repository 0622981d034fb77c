package io.aideploy.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns expected failures into one line on stderr and an exit code. Usage errors also become one
 * line (picocli would print the whole usage text after them, burying the message). Anything
 * unexpected keeps picocli's default: a stack trace, because that is a bug to report.
 */
public final class CliErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed)
      throws Exception {
    CliException known = translate(e);
    if (known == null) {
      throw e;
    }
    print(command.getErr(), known.getMessage());
    return known.exitCode();
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    StringBuilder line = new StringBuilder(e.getMessage());
    if (e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions()));
      line.append("?)");
    }
    line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
    print(command.getErr(), line.toString());
    return CliException.USAGE;
  }

  /** How the API server says a request's namespace does not exist. */
  private static final Pattern MISSING_NAMESPACE =
      Pattern.compile("namespaces \"([^\"]+)\" not found");

  /** What to say when {@code namespace} does not exist. */
  static String missingNamespace(String namespace) {
    return "namespace "
        + namespace
        + " does not exist; 'kubectl get namespaces' lists them, -n/--namespace picks one";
  }

  /** The expected failure {@code e} stands for, or null when it is a bug. */
  static CliException translate(Throwable e) {
    if (e instanceof CliException known) {
      return known;
    }
    // A server command's port: one line naming the setting, not a stack trace.
    if (hasCause(e, BindException.class) || rootMessage(e).contains("Address already in use")) {
      return CliException.usage(
          oneLine(e.getMessage())
              + ": the address is already in use; stop what listens there, or choose another"
              + " port");
    }
    if (e instanceof KubernetesClientTimeoutException) {
      return CliException.unavailable(
          "timed out waiting for the Kubernetes API server; check that it is reachable");
    }
    if (e instanceof KubernetesClientException k) {
      return kubernetes(k);
    }
    return null;
  }

  private static CliException kubernetes(KubernetesClientException e) {
    String reason =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    if (e.getCode() <= 0 && hasCause(e, SSLException.class)) {
      return CliException.unavailable(
          "cannot verify the Kubernetes API server's certificate ("
              + oneLine(rootMessage(e))
              + "); check the certificate-authority of your kube context");
    }
    if (e.getCode() <= 0 && hasCause(e, IOException.class)) {
      return CliException.unavailable(
          "cannot reach the Kubernetes API server ("
              + oneLine(rootMessage(e))
              + "); check KUBECONFIG, --kubeconfig or your kube context");
    }
    return switch (e.getCode()) {
      case 401 ->
          CliException.refused(
              "the Kubernetes API server did not accept your credentials; log in again or check"
                  + " your kube context");
      case 403 ->
          CliException.refused(
              "the Kubernetes API server refused: "
                  + oneLine(reason)
                  + "; ask for RBAC access to aiapps/aitokens, or use the gateway with --url and"
                  + " AIDEPLOY_TOKEN");
      case 404 -> {
        Matcher namespace = MISSING_NAMESPACE.matcher(reason);
        yield CliException.notFound(
            namespace.find() ? missingNamespace(namespace.group(1)) : oneLine(reason));
      }
      default -> CliException.failed(oneLine(reason));
    };
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String name = root.getClass().getSimpleName();
    return root.getMessage() == null ? name : name + ": " + root.getMessage();
  }

  /** Server messages can span lines; the contract is one line. */
  static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  private static void print(PrintWriter err, String message) {
    err.println("error: " + message);
    err.flush();
  }
}
