import io.aideploy.testing.AideployProcess;
import io.aideploy.testing.LocalControlPlane;
import io.aideploy.testing.faults.Fault;
import io.aideploy.testing.faults.FaultReport;
import io.aideploy.testing.faults.FaultScenario;
import io.aideploy.testing.faults.GroundTruth.Verdict;
import io.aideploy.testing.faults.Tally;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault scenarios and the soak, on the control plane bench/faults and bench/soak started (run
 * by them, with the test classpath).
 *
 * <pre>
 * faults HOLD_S AFTER_S [FAULT...]  every fault (or those named), each held HOLD_S where the fault's
 *                                   length is ours to choose, then AFTER_S of load after recovery;
 *                                   a table row per fault
 * soak MINUTES                      mixed traffic and churn, no fault, for MINUTES; every minute the
 *                                   gateway's and the operator's heap after a full GC, threads, open
 *                                   files, and the decision latency; then the checker's report
 * </pre>
 */
public class FaultBench {
  public static void main(String[] args) throws Exception {
    Path project = Path.of("").toAbsolutePath();
    Path kubeconfig = Path.of(System.getenv("KUBECONFIG"));
    var cluster = new LocalControlPlane.Cluster(kubeconfig, Path.of(args[args.length - 1]), project);
    try (KubernetesClient client = cluster.newClient()) {
      LocalControlPlane.installCrds(client, project.resolve("crds"));
    }
    switch (args[0]) {
      case "faults" -> faults(cluster, args);
      case "soak" -> soak(cluster, Integer.parseInt(args[1]));
      default -> throw new IllegalArgumentException("faults or soak");
    }
    System.exit(0);
  }

  static void faults(LocalControlPlane.Cluster cluster, String[] args) throws Exception {
    Duration hold = Duration.ofSeconds(Long.parseLong(args[1]));
    Duration after = Duration.ofSeconds(Long.parseLong(args[2]));
    List<Fault> faults = new ArrayList<>();
    for (int i = 3; i < args.length - 1; i++) {
      faults.add(Fault.valueOf(args[i]));
    }
    if (faults.isEmpty()) {
      faults.addAll(List.of(Fault.values()));
    }
    List<String> rows = new ArrayList<>();
    for (Fault fault : faults) {
      System.err.println("== " + fault + ", held " + hold.toSeconds() + " s");
      FaultReport report = fault.run(cluster, hold, after, false);
      rows.add(report.row());
      printAudit(report);
    }
    System.out.println(FaultReport.header());
    rows.forEach(System.out::println);
  }

  static void soak(LocalControlPlane.Cluster cluster, int minutes) throws Exception {
    try (FaultScenario scenario =
        FaultScenario.start(cluster, "soak", FaultScenario.Options.defaults())) {
      AideployProcess gateway = scenario.gateway();
      AideployProcess operator = scenario.operators().get(0);
      Tally tally = scenario.tally();
      tally.drainLatencies();
      System.out.println(
          "| minute | decisions | wrong allows | gateway heap after GC | gateway threads | gateway"
              + " open files | operator heap after GC | operator threads | operator open files |"
              + " latency p50 / p99 / max |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      for (int minute = 1; minute <= minutes; minute++) {
        scenario.run(Duration.ofMinutes(1));
        Duration[] latency = tally.drainLatencies();
        long g = gateway.process().pid();
        long o = operator.process().pid();
        System.out.printf(
            "| %d | %d | %d | %s | %d | %d | %s | %d | %d | %.1f / %.1f / %.1f ms |%n",
            minute,
            tally.decisions(),
            tally.count(Verdict.WRONG_ALLOW),
            heapAfterGc(g),
            threads(g),
            openFiles(g),
            heapAfterGc(o),
            threads(o),
            openFiles(o),
            latency[0].toNanos() / 1e6,
            latency[1].toNanos() / 1e6,
            latency[2].toNanos() / 1e6);
      }
      FaultReport report = scenario.finish();
      System.out.println();
      System.out.println(FaultReport.header());
      System.out.println(report.row());
      printAudit(report);
    }
  }

  /** What the table does not show: the audit of the values and how often the grace rule applied. */
  static void printAudit(FaultReport report) {
    report.wrongAllowDetails().forEach(System.err::println);
    System.err.printf(
        "   regenerations nobody asked for %d, untouched tokens changed %s, duplicate Secrets %d;"
            + " previous values allowed within their grace %d, refused after it %d%n",
        report.spuriousRegenerations(),
        report.changedStableTokens(),
        report.duplicateSecrets(),
        report.graceAllows(),
        report.graceRefusals());
  }

  /** Survivor, eden and old spaces in use after a full GC, whichever collector runs. */
  static String heapAfterGc(long pid) throws Exception {
    run(jdkTool("jcmd"), Long.toString(pid), "GC.run");
    String[] lines = run(jdkTool("jstat"), "-gc", Long.toString(pid)).strip().split("\n");
    String[] header = lines[0].trim().split("\\s+");
    String[] values = lines[1].trim().split("\\s+");
    double kib = 0;
    for (int i = 0; i < header.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
        kib += Double.parseDouble(values[i]);
      }
    }
    return String.format("%.0f MiB", kib / 1024);
  }

  static int threads(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring("Threads:".length()).trim());
      }
    }
    return -1;
  }

  static long openFiles(long pid) throws Exception {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  static String jdkTool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + output);
    }
    return output;
  }
}
