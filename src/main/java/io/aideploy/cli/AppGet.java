package io.aideploy.cli;

import io.aideploy.labels.ReservedLabels;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code aideploy app get APP}. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Show one app: state, phase, URL, image, replicas and labels.")
class AppGet extends AppSubcommand {
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
    out.println(String.format("%-11s %s", name, value == null ? "<none>" : value).stripTrailing());
  }
}
