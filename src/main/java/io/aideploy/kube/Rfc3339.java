package io.aideploy.kube;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads the RFC 3339 times of the API ({@code spec.expiresAt} and the status times): one parser, so
 * that the operator, the gateway and the CLI agree on every value the schema lets through.
 */
public final class Rfc3339 {
  private Rfc3339() {}

  /**
   * The instant {@code text} names.
   *
   * @throws DateTimeParseException if it names none, such as a leap second, which the schema's
   *     pattern lets through
   */
  public static Instant parse(String text) {
    // RFC 3339 allows a lower-case t and z; java.time does not.
    return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
  }
}
