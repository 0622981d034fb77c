package io.aideploy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every app command shares: where apps are, and stdout/stderr. */
abstract class AppSubcommand implements Callable<Integer> {
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

  /** {@code value}, or "" for null: table cells and messages never show "null". */
  static String nz(String value) {
    return value == null ? "" : value;
  }
}
