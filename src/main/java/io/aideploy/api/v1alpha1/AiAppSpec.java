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
  // Every list and string has a bound: each gateway replica caches every AiApp, and the operator
  // copies the spec into a Deployment. The limits are generous for real apps but finite.
  static final int MAX_IMAGE = 512;
  static final int MAX_ARGUMENTS = 64;
  static final int MAX_ARGUMENT_LENGTH = 4096;
  static final int MAX_ENV = 128;
  static final int MAX_ENV_NAME = 256;
  static final int MAX_ENV_VALUE = 32 * 1024;
  static final int MAX_REPLICAS = 1000;

  /**
   * Bounds every string of a {@code valueFrom}. EnvVar is fabric8's type, whose fields cannot be
   * annotated, so CEL does it; the list's maxItems keeps the rule's cost within the API server's
   * budget. The divisor is int-or-string, hence the type test. The limit, 512, is in the message.
   */
  static final String ENV_REFERENCES_RULE =
      "self.all(e, !has(e.valueFrom) || ("
          + "(!has(e.valueFrom.configMapKeyRef) || ("
          + "(!has(e.valueFrom.configMapKeyRef.name) || size(e.valueFrom.configMapKeyRef.name) <= 512)"
          + " && (!has(e.valueFrom.configMapKeyRef.key) || size(e.valueFrom.configMapKeyRef.key) <= 512)))"
          + " && (!has(e.valueFrom.secretKeyRef) || ("
          + "(!has(e.valueFrom.secretKeyRef.name) || size(e.valueFrom.secretKeyRef.name) <= 512)"
          + " && (!has(e.valueFrom.secretKeyRef.key) || size(e.valueFrom.secretKeyRef.key) <= 512)))"
          + " && (!has(e.valueFrom.fieldRef) || ("
          + "(!has(e.valueFrom.fieldRef.apiVersion) || size(e.valueFrom.fieldRef.apiVersion) <= 512)"
          + " && (!has(e.valueFrom.fieldRef.fieldPath) || size(e.valueFrom.fieldRef.fieldPath) <= 512)))"
          + " && (!has(e.valueFrom.resourceFieldRef) || ("
          + "(!has(e.valueFrom.resourceFieldRef.containerName)"
          + " || size(e.valueFrom.resourceFieldRef.containerName) <= 512)"
          + " && (!has(e.valueFrom.resourceFieldRef.resource)"
          + " || size(e.valueFrom.resourceFieldRef.resource) <= 512)"
          + " && (!has(e.valueFrom.resourceFieldRef.divisor)"
          + " || type(e.valueFrom.resourceFieldRef.divisor) != string"
          + " || size(e.valueFrom.resourceFieldRef.divisor) <= 512)))"
          + " && (!has(e.valueFrom.fileKeyRef) || ("
          + "(!has(e.valueFrom.fileKeyRef.path) || size(e.valueFrom.fileKeyRef.path) <= 512)"
          + " && (!has(e.valueFrom.fileKeyRef.key) || size(e.valueFrom.fileKeyRef.key) <= 512)"
          + " && (!has(e.valueFrom.fileKeyRef.volumeName)"
          + " || size(e.valueFrom.fileKeyRef.volumeName) <= 512)))))";

  @Required
  @Size(min = 1, max = MAX_IMAGE)
  @JsonPropertyDescription(
      "Container image that serves the app, e.g. ovhcom/ai-deploy-hello-world:latest. Required;"
          + " at most 512 characters.")
  private String image;

  @Default("8080")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port the container listens on for HTTP; 1-65535, default 8080.")
  private Integer port = 8080;

  @Size(max = MAX_ARGUMENTS)
  @JsonPropertyDescription(
      "Entrypoint to run instead of the image's own (the container's command). At most 64 items"
          + " of at most 4096 characters each.")
  private List<@Size(max = MAX_ARGUMENT_LENGTH) String> command;

  @Size(max = MAX_ARGUMENTS)
  @JsonPropertyDescription(
      "Arguments passed to the entrypoint (the container's args). At most 64 items of at most 4096"
          + " characters each.")
  private List<@Size(max = MAX_ARGUMENT_LENGTH) String> args;

  @Size(max = MAX_ENV)
  @ValidationRule(
      value = "self.all(e, !has(e.name) || size(e.name) <= " + MAX_ENV_NAME + ")",
      message = "spec.env: each name must be at most 256 characters",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self.all(e, !has(e.value) || size(e.value) <= " + MAX_ENV_VALUE + ")",
      message = "spec.env: each value must be at most 32768 characters (32 KiB)",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = ENV_REFERENCES_RULE,
      message = "spec.env: each string in a valueFrom must be at most 512 characters",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Environment variables of the container, as in a Pod spec. At most 128 variables; each"
          + " name at most 256 characters, each value at most 32768 characters (32 KiB), each"
          + " string in a valueFrom at most 512 characters.")
  private List<EnvVar> env;

  @JsonPropertyDescription("Compute resources given to each replica (requests and limits alike).")
  private AppResources resources;

  @Min(0)
  @Max(MAX_REPLICAS)
  @JsonPropertyDescription(
      "Fixed number of replicas, 0-1000. Leave unset to run 1 replica, or use autoscaling instead;"
          + " setting both is refused.")
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

  @JsonPropertyDescription(
      "For apps that stream answers (Server-Sent Events, WebSockets): the proxy does not buffer"
          + " them and keeps them open; see docs/apps.md for what each proxy enforces.")
  private Streaming streaming;

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

  public Streaming getStreaming() {
    return streaming;
  }

  public void setStreaming(Streaming streaming) {
    this.streaming = streaming;
  }
}
