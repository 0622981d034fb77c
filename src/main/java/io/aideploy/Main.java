package io.aideploy;

import io.aideploy.cli.AppCommand;
import io.aideploy.cli.CliErrors;
import io.aideploy.cli.CliException;
import io.aideploy.cli.TokenCommand;
import io.aideploy.config.LogLevels;
import io.aideploy.gateway.GatewayCommand;
import io.aideploy.operator.OperatorCommand;
import io.aideploy.server.ServerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code aideploy.jar}: dispatches to the server commands and the CLI. */
@Command(
    name = "aideploy",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Deploys AI apps on Kubernetes behind scoped access tokens.",
    subcommands = {
      OperatorCommand.class,
      GatewayCommand.class,
      AllCommand.class,
      AppCommand.class,
      TokenCommand.class,
      CommandLine.HelpCommand.class
    })
public class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Before any logger exists: log4j2 reads these when it starts.
    String logLevelProblem = LogLevels.problem(System::getenv);
    if (logLevelProblem != null) {
      System.err.println("error: " + logLevelProblem);
      System.exit(CliException.USAGE);
    }
    System.exit(commandLine().execute(args));
  }

  /** The command tree, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    // picocli writes the script: `source <(aideploy generate-completion)` in bash or zsh. Its own
    // name is kept because its help text tells people to run exactly that.
    CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
    completion.getCommandSpec().usageMessage().hidden(false);
    cli.addSubcommand(completion);
    for (String server : List.of("operator", "gateway", "all")) {
      ServerSettings.describe(cli.getSubcommands().get(server));
    }
    CliErrors errors = new CliErrors();
    return cli.setExecutionExceptionHandler(errors).setParameterExceptionHandler(errors);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
  }

  /** The version Maven wrote into version.properties when it built these classes. */
  static class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties build = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          build.load(in);
        }
      } catch (IOException e) {
        // reported as below
      }
      String version = build.getProperty("version", "");
      // Unfiltered (classes built outside Maven): the placeholder is still there.
      return new String[] {
        "aideploy "
            + (version.isBlank() || version.startsWith("${") ? "development build" : version)
      };
    }
  }
}
