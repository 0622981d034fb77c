package io.aideploy.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real curl binary, as a user types it. */
final class Curl {
  private Curl() {}

  /** Exit code and output of one curl run. */
  record Result(int exitCode, String stdout, String stderr) {}

  /**
   * A request whose answer is summed up as status, {@code Location} and body: {@code curl -s -k
   * --resolve … -w …} with the body in a file.
   */
  record Answer(int status, String location, String body, String headers) {}

  static Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add("curl");
    command.add("--max-time");
    command.add("20");
    command.addAll(List.of(args));
    try {
      Path err = Files.createTempFile("curl", ".err");
      Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      String stderr = Files.readString(err);
      Files.delete(err);
      return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), stderr);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET (or what {@code extra} says) {@code https://host/path} through nginx. */
  static Answer request(IngressStack stack, String host, String path, String... extra) {
    return request(stack.address, host, path, extra);
  }

  /**
   * GET (or what {@code extra} says) {@code https://host/path} through the proxy listening on port
   * 443 of {@code address}: {@code curl -k --resolve host:443:address}.
   */
  static Answer request(String address, String host, String path, String... extra) {
    try {
      Path body = Files.createTempFile("curl", ".body");
      Path headers = Files.createTempFile("curl", ".headers");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "-s",
                  "-o",
                  body.toString(),
                  "-D",
                  headers.toString(),
                  "-w",
                  "%{http_code} %{redirect_url}"));
      args.addAll(List.of(extra));
      args.add("https://" + host + path);
      List<String> command = new ArrayList<>(List.of("-k", "--resolve", host + ":443:" + address));
      command.addAll(args);
      Result result = run(command.toArray(String[]::new));
      if (result.exitCode() != 0) {
        throw new IllegalStateException("curl failed: " + result);
      }
      String[] written = result.stdout().split(" ", 2);
      Answer answer =
          new Answer(
              Integer.parseInt(written[0]),
              written.length > 1 ? written[1].strip() : "",
              Files.readString(body),
              Files.readString(headers));
      Files.delete(body);
      Files.delete(headers);
      return answer;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
