package io.aideploy.cli;

import io.aideploy.lifecycle.NewAppRequest;
import io.aideploy.lifecycle.RefusedRequest;
import io.aideploy.lifecycle.ScaleRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code aideploy app run IMAGE …}, as {@code ovhai app run}: creates an AiApp through the
 * Kubernetes API, or through the gateway's {@code POST /v1/apps} with a token, then waits until it
 * can be used. Both ways build the same request and make the same checks first.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Create an app from a container image and wait until it can be used; prints its name, id"
          + " and URL.",
      "With a token (--url and AIDEPLOY_TOKEN or --token-file) the app is created through the"
          + " gateway, in the token's namespace, with the token's equality labels (needs an"
          + " Operator token)."
    })
class AppRun extends AppSubcommand {
  @Parameters(
      paramLabel = "<image>",
      description = "Container image, e.g. ovhcom/ai-deploy-hello-world.")
  String image;

  @Option(names = "--name", description = "App name (1-63 of a-z, 0-9, '-'). Default: generated.")
  String name;

  @Option(
      names = "--label",
      paramLabel = "<key=value>",
      description = "A label (repeatable); keys under ovh/ are reserved.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--default-http-port",
      paramLabel = "<port>",
      description = "Port the container serves HTTP on (default 8080).")
  Integer port;

  @Option(
      names = "--unsecure-http",
      description = "Let anyone reach the app without a token (access: Public).")
  boolean unsecureHttp;

  @Option(names = "--cpu", description = "CPU per replica, e.g. 500m or 2.")
  String cpu;

  @Option(names = "--memory", description = "Memory per replica, e.g. 512Mi or 4Gi.")
  String memory;

  @Option(names = "--gpu", description = "GPUs per replica.")
  Integer gpu;

  @Mixin ReplicaOptions scaling;

  @Option(
      names = "--env",
      paramLabel = "<NAME=value>",
      description = "An environment variable with a literal value (repeatable).")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = "--streaming",
      description =
          "The app streams (Server-Sent Events, WebSockets): no proxy buffering, long idle"
              + " timeouts (spec.streaming).")
  boolean streaming;

  @Option(
      names = "--max-stream-seconds",
      paramLabel = "<seconds>",
      description =
          "With --streaming: the longest a stream may last, where the proxy can bound it"
              + " (1-86400).")
  Integer maxStreamSeconds;

  @Mixin WaitOptions waiting;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    NewAppRequest request = request();
    try (Apps apps = apps()) {
      AppInfo created = apps.create(request);
      AppInfo ready;
      try (Progress progress =
          Progress.start(err(), "waiting until app " + created.name() + " can be used")) {
        ready = apps.awaitReady(created, waiting.timeout);
      }
      if (!output.isTable()) {
        output.print(out(), ready);
        return 0;
      }
      out().println(ready.name() + "\t" + ready.id() + "\t" + ready.url());
      out().flush();
      err()
          .println(
              "app "
                  + ready.name()
                  + " created in "
                  + ready.namespace()
                  + "; 'aideploy app get "
                  + ready.name()
                  + "' follows it");
      err().flush();
      return 0;
    }
  }

  private NewAppRequest request() {
    ScaleRequest scale = scaling.isEmpty() ? null : scaling.scale();
    if (scale != null && scale.replicas() == null && scale.maxReplicas() == null) {
      throw CliException.usage("--min needs --max: autoscaling needs its upper bound");
    }
    if (maxStreamSeconds != null && !streaming) {
      throw CliException.usage("--max-stream-seconds needs --streaming");
    }
    List<NewAppRequest.Env> variables = new ArrayList<>();
    env.forEach((key, value) -> variables.add(new NewAppRequest.Env(key, value)));
    NewAppRequest.Resources resources =
        cpu == null && memory == null && gpu == null
            ? null
            : new NewAppRequest.Resources(cpu, memory, gpu);
    NewAppRequest.Scaling autoscaling =
        scale == null || scale.maxReplicas() == null
            ? null
            : new NewAppRequest.Scaling(scale.minReplicas(), scale.maxReplicas());
    try {
      return new NewAppRequest(
              name,
              image,
              labels.isEmpty() ? null : labels,
              port,
              unsecureHttp ? Boolean.TRUE : null,
              resources,
              scale == null ? null : scale.replicas(),
              autoscaling,
              variables.isEmpty() ? null : variables,
              streaming ? new NewAppRequest.Stream(true, null, maxStreamSeconds) : null)
          .checked();
    } catch (RefusedRequest e) {
      throw CliException.usage(e.getMessage());
    }
  }
}
