package io.aideploy.cli;

import io.aideploy.api.v1alpha1.AppState;
import io.aideploy.labels.ReservedLabels;
import java.io.Console;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aideploy app …}: the ovhai-style app commands. */
@Command(
    name = "app",
    mixinStandardHelpOptions = true,
    description = {
      "Run, list, inspect, label, scale, start, stop and delete AI apps.",
      "Uses the Kubernetes API of the current kube context, or, with --url and a token"
          + " (AIDEPLOY_URL, AIDEPLOY_TOKEN or --token-file), the gateway's lifecycle API with no"
          + " cluster access."
    },
    subcommands = {
      AppRun.class,
      AppCommand.Ls.class,
      AppCommand.Get.class,
      AppCommand.SetLabel.class,
      AppScale.class,
      AppCommand.Url.class,
      AppCommand.Start.class,
      AppCommand.Stop.class,
      AppCommand.Delete.class
    })
public class AppCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }

  /** What every app command shares: where apps are, and stdout/stderr. */
  abstract static class AppSubcommand implements Callable<Integer> {
    @Mixin KubeOptions kube;
    @Mixin GatewayOptions gateway;
    @Spec CommandSpec spec;

    /** The apps, through the gateway when a URL and token are given, else the Kubernetes API. */
    Apps apps() {
      if (gateway.useGateway()) {
        return new GatewayApps(gateway.baseUri(), gateway.token());
      }
      return new KubeApps(kube.client(), kube.namespace());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }
  }

  @Command(
      name = "ls",
      aliases = "list",
      mixinStandardHelpOptions = true,
      description = "List apps: name, phase, URL and labels; -o wide adds id, state and image.")
  static class Ls extends AppSubcommand {
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      try (Apps apps = apps()) {
        List<AppInfo> list = apps.list();
        if (!output.isTable()) {
          output.print(out(), Map.of("items", list));
          return 0;
        }
        if (list.isEmpty()) {
          err().println("No apps in " + apps.scope() + ".");
          err().flush();
          return 0;
        }
        // The id is in the URL already: the narrow table shows it once.
        List<List<String>> rows = new ArrayList<>();
        for (AppInfo app : list) {
          rows.add(
              output.isWide()
                  ? List.of(
                      app.name(),
                      app.id(),
                      nz(app.phase()),
                      nz(app.state()),
                      nz(app.url()),
                      nz(app.image()),
                      app.userLabels())
                  : List.of(app.name(), nz(app.phase()), nz(app.url()), app.userLabels()));
        }
        List<String> headers =
            output.isWide()
                ? List.of("NAME", "ID", "PHASE", "STATE", "URL", "IMAGE", "LABELS")
                : List.of("NAME", "PHASE", "URL", "LABELS");
        OutputOptions.table(
            out(), headers, rows, headers.indexOf("PHASE"), Colour.forThisProcess());
        return 0;
      }
    }
  }

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Show one app: state, phase, URL, image, replicas and labels.")
  static class Get extends AppSubcommand {
    @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
    String ref;

    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      try (Apps apps = apps()) {
        AppInfo app = apps.get(ref);
        if (!output.isTable()) {
          output.print(out(), app);
          return 0;
        }
        PrintWriter out = out();
        line(out, "Name", app.name());
        line(out, "Namespace", app.namespace());
        line(out, "ID", app.id());
        line(out, "State", app.state());
        line(out, "Phase", Colour.forThisProcess().phase(app.phase()));
        if (app.message() != null) {
          line(out, "Message", app.message());
        }
        line(out, "URL", app.url());
        line(out, "Image", app.image());
        line(out, "Access", app.access());
        line(
            out,
            "Replicas",
            app.replicas() == null
                ? null
                : app.replicas()
                    + " ("
                    + (app.availableReplicas() == null ? 0 : app.availableReplicas())
                    + " available)");
        line(out, "Created", app.createdAt());
        String label = "Labels";
        for (var entry :
            new TreeMap<>(app.labels() == null ? Map.<String, String>of() : app.labels())
                .entrySet()) {
          boolean reserved = ReservedLabels.isReserved(entry.getKey());
          line(
              out,
              label,
              entry.getKey()
                  + "="
                  + entry.getValue()
                  + (reserved ? "  (reserved: set by aideploy)" : ""));
          label = "";
        }
        out.flush();
        return 0;
      }
    }

    private static void line(PrintWriter out, String key, String value) {
      String name = key.isEmpty() ? "" : key + ":";
      out.println(
          String.format("%-11s %s", name, value == null ? "<none>" : value).stripTrailing());
    }
  }

  @Command(
      name = "set-label",
      mixinStandardHelpOptions = true,
      description = {
        "Set a label on an app (tokens select apps by label).",
        "Keys under ovh/ are reserved: aideploy sets ovh/id and ovh/type itself."
      })
  static class SetLabel extends AppSubcommand {
    @Parameters(index = "0", paramLabel = "<app>", description = "Name or id of the app.")
    String ref;

    @Parameters(index = "1", paramLabel = "<key>", description = "Label key, e.g. group.")
    String key;

    @Parameters(index = "2", paramLabel = "<value>", description = "Label value, e.g. A.")
    String value;

    @Override
    public Integer call() {
      if (ReservedLabels.isReserved(key)) {
        throw CliException.usage(ReservedLabels.REFUSAL);
      }
      if (gateway.useGateway()) {
        throw CliException.usage(
            "set-label changes the AiApp itself and needs cluster access; the gateway's lifecycle"
                + " API cannot change labels, so drop --url/AIDEPLOY_URL");
      }
      try (KubeApps apps = new KubeApps(kube.client(), kube.namespace())) {
        AppInfo app = apps.get(ref);
        AppInfo labelled = apps.setLabel(app, key, value);
        out().println("app " + labelled.name() + ": label " + key + "=" + value + " set");
        out().flush();
        return 0;
      }
    }
  }

  @Command(name = "url", mixinStandardHelpOptions = true, description = "Print an app's URL.")
  static class Url extends AppSubcommand {
    @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
    String ref;

    @Override
    public Integer call() {
      try (Apps apps = apps()) {
        AppInfo app = apps.get(ref);
        if (app.url() == null) {
          throw CliException.failed(
              "app "
                  + app.name()
                  + " has no URL yet: the operator has not reconciled it; check that the operator"
                  + " runs");
        }
        out().println(app.url());
        out().flush();
        return 0;
      }
    }
  }

  /** start and stop: the same call with another state. */
  abstract static class StateChange extends AppSubcommand {
    @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
    String ref;

    @Mixin OutputOptions output;

    abstract AppState target();

    @Override
    public Integer call() {
      try (Apps apps = apps()) {
        AppInfo changed = apps.setState(apps.get(ref), target());
        if (!output.isTable()) {
          output.print(out(), changed);
          return 0;
        }
        out()
            .println(
                "app "
                    + changed.name()
                    + (target() == AppState.Stopped ? " stopping" : " starting")
                    + " (state "
                    + changed.state()
                    + ", phase "
                    + nz(changed.phase())
                    + "); 'aideploy app get "
                    + changed.name()
                    + "' follows it");
        out().flush();
        return 0;
      }
    }
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start a stopped app (spec.state: Running).")
  static class Start extends StateChange {
    @Override
    AppState target() {
      return AppState.Running;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description =
          "Stop an app (spec.state: Stopped): scales it to zero and keeps its URL, so it can be"
              + " started again.")
  static class Stop extends StateChange {
    @Override
    AppState target() {
      return AppState.Stopped;
    }
  }

  @Command(
      name = "delete",
      aliases = "rm",
      mixinStandardHelpOptions = true,
      description = "Delete an app and everything it runs. Asks first unless --yes.")
  static class Delete extends AppSubcommand {
    @Parameters(paramLabel = "<app>", description = "Name or id of the app.")
    String ref;

    @Option(
        names = {"-y", "--yes"},
        description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public Integer call() {
      Console console = System.console();
      if (!yes && console == null) {
        // Nobody to ask: a script must say what it means.
        throw CliException.usage(
            "refusing to delete app " + ref + " without confirmation: pass --yes");
      }
      try (Apps apps = apps()) {
        AppInfo app = apps.get(ref);
        if (!yes) {
          String answer =
              console.readLine(
                  "Delete app %s (id %s) in %s, with its Deployment, Service and Ingress? [y/N] ",
                  app.name(), app.id(), app.namespace());
          if (answer == null || !answer.strip().toLowerCase().matches("y|yes")) {
            err().println("Not deleted.");
            err().flush();
            return 1;
          }
        }
        apps.delete(app);
        out().println("app " + app.name() + " (id " + app.id() + ") deleted");
        out().flush();
        return 0;
      }
    }
  }

  private static String nz(String value) {
    return value == null ? "" : value;
  }
}
