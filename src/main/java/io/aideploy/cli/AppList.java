package io.aideploy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code aideploy app ls [-o wide|json|yaml]}. */
@Command(
    name = "ls",
    aliases = "list",
    mixinStandardHelpOptions = true,
    description = "List apps: name, phase, URL and labels; -o wide adds id, state and image.")
class AppList extends AppSubcommand {
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
      OutputOptions.table(out(), headers, rows, headers.indexOf("PHASE"), Colour.forThisProcess());
      return 0;
    }
  }
}
