package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** An HTTP GET readiness probe against the app's container. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Probe {
  @Required
  @Pattern("^/.*")
  @Size(max = 1024)
  @JsonPropertyDescription(
      "Absolute HTTP path that answers 2xx or 3xx once the app is ready, e.g. /health; at most"
          + " 1024 characters.")
  private String path;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Port to probe; defaults to spec.port.")
  private Integer port;

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }
}
