package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** What the user asks for: an image, how to run it, how many copies, and who may reach it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.replicas) && has(self.autoscaling))",
    message = "spec.replicas and spec.autoscaling are mutually exclusive: set one or the other",
    reason = "FieldValueForbidden")
public class AiAppSpec {
  @Required
  @Size(min = 1)
  @JsonPropertyDescription(
      "Container image that serves the app, e.g. ovhcom/ai-deploy-hello-world:latest. Required.")
  private String image;

  @Default("8080")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the container listens on for HTTP; 1-65535, default 8080.")
  private Integer port = 8080;

  @JsonPropertyDescription(
      "Entrypoint to run instead of the image's own (the container's command).")
  private List<String> command;

  @JsonPropertyDescription("Arguments passed to the entrypoint (the container's args).")
  private List<String> args;

  @JsonPropertyDescription("Environment variables of the container, as in a Pod spec.")
  private List<EnvVar> env;

  @JsonPropertyDescription("Compute resources given to each replica (requests and limits alike).")
  private AppResources resources;

  @Min(0)
  @JsonPropertyDescription(
      "Fixed number of replicas. Leave unset to run 1 replica, or use autoscaling instead; setting"
          + " both is refused.")
  private Integer replicas;

  @JsonPropertyDescription(
      "Scale between minReplicas and maxReplicas on CPU or memory utilization (a"
          + " HorizontalPodAutoscaler). Cannot be combined with replicas.")
  private Autoscaling autoscaling;

  @Default("Running")
  @JsonPropertyDescription(
      "Running (default) serves the app; Stopped scales it to zero replicas and keeps its URL,"
          + " Service and Ingress, so it can be started again.")
  private AppState state = AppState.Running;

  @Default("Token")
  @JsonPropertyDescription(
      "Token (default): every request needs a valid AiToken (bearer header or browser session)."
          + " Public: anyone may reach the app; no external-auth check is configured.")
  private Access access = Access.Token;

  @JsonPropertyDescription(
      "Optional HTTP readiness probe; without it a replica is ready once started.")
  private Probe probe;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public AppResources getResources() {
    return resources;
  }

  public void setResources(AppResources resources) {
    this.resources = resources;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Autoscaling getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(Autoscaling autoscaling) {
    this.autoscaling = autoscaling;
  }

  public AppState getState() {
    return state;
  }

  public void setState(AppState state) {
    this.state = state;
  }

  public Access getAccess() {
    return access;
  }

  public void setAccess(Access access) {
    this.access = access;
  }

  public Probe getProbe() {
    return probe;
  }

  public void setProbe(Probe probe) {
    this.probe = probe;
  }
}
