package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * An app that answers with Server-Sent Events or WebSockets: what its exposure must carry so that a
 * proxy neither buffers nor cuts its streams, and the bounds a proxy puts on an open stream (the
 * token is checked only when a stream starts).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Streaming {
  /** A day: far above any stream a client waits on, and finite. */
  static final int MAX_SECONDS = 86_400;

  @Required
  @JsonPropertyDescription(
      "true: the app's Ingress or HTTPRoute is written for long-lived streams (no response"
          + " buffering, long timeouts, WebSocket upgrades). Required.")
  private Boolean enabled;

  @Default("3600")
  @Min(1)
  @Max(MAX_SECONDS)
  @JsonPropertyDescription(
      "Seconds a stream may stay open without a byte in either direction before ingress-nginx"
          + " closes it (proxy-read-timeout and proxy-send-timeout; other proxies keep their own"
          + " idle timeouts); 1-86400, default 3600. A stream that keeps sending is not bounded"
          + " by this.")
  private Integer idleTimeoutSeconds = 3600;

  @Min(1)
  @Max(MAX_SECONDS)
  @JsonPropertyDescription(
      "Longest a request may last, stream included, in seconds (HTTPRoute timeouts.request),"
          + " so that a stream opened with a token that is later revoked ends by then; 1-86400."
          + " Unset: no limit. Enforced only by Gateway API implementations that honour"
          + " timeouts.request (Envoy Gateway, Istio); ingress-nginx and Traefik cannot bound the"
          + " lifetime of a stream (docs/apps.md).")
  private Integer maxStreamSeconds;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getIdleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  public void setIdleTimeoutSeconds(Integer idleTimeoutSeconds) {
    this.idleTimeoutSeconds = idleTimeoutSeconds;
  }

  public Integer getMaxStreamSeconds() {
    return maxStreamSeconds;
  }

  public void setMaxStreamSeconds(Integer maxStreamSeconds) {
    this.maxStreamSeconds = maxStreamSeconds;
  }

  /** Whether {@code spec} declares a streaming app. */
  public static boolean on(AiAppSpec spec) {
    return spec.getStreaming() != null && Boolean.TRUE.equals(spec.getStreaming().getEnabled());
  }
}
