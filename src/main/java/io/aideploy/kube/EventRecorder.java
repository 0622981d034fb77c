package io.aideploy.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes Kubernetes Events about a resource, so that {@code kubectl describe} tells its story. */
public class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "aideploy-operator";

  /** The API server insists on exactly six fraction digits in a MicroTime. */
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  /**
   * Creates the Event, or bumps the count of the same one: its name is derived from what it says,
   * so a retry loop that reports the same failure again adds to one Event instead of a new one each
   * time (as kubectl describe's "x12 over 5m" shows).
   */
  private void record(HasMetadata about, String type, String reason, String message) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String namespace = about.getMetadata().getNamespace();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name(about, type, reason, message))
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(about.getApiVersion())
            .withKind(about.getKind())
            .withName(about.getMetadata().getName())
            .withNamespace(namespace)
            .withUid(about.getMetadata().getUid())
            .withResourceVersion(about.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(COMPONENT)
            .withAction(reason)
            .withFirstTimestamp(now.toString())
            .withLastTimestamp(now.toString())
            .withEventTime(new MicroTime(MICRO_TIME.format(now)))
            .withCount(1)
            .build();
    try {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        client
            .v1()
            .events()
            .inNamespace(namespace)
            .withName(event.getMetadata().getName())
            .edit(
                existing -> {
                  existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
                  existing.setLastTimestamp(now.toString());
                  return existing;
                });
      }
    } catch (KubernetesClientException e) {
      // An Event is a courtesy; losing one must not fail the reconcile that caused it.
      log.warn("could not record event {} ({}): {}", reason, message, e.getMessage());
    }
  }

  /** The same object, type, reason and message give the same name. */
  static String name(HasMetadata about, String type, String reason, String message) {
    String key = about.getMetadata().getUid() + "\n" + type + "\n" + reason + "\n" + message;
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String objectName = about.getMetadata().getName();
    // An Event name is at most 253 characters, like the object's own.
    return objectName.substring(0, Math.min(objectName.length(), 200))
        + "."
        + HexFormat.of().formatHex(digest, 0, 8);
  }
}
