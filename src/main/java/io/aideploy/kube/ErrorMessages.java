package io.aideploy.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;

/** Short, human-readable messages for errors that end up in status conditions and Events. */
public final class ErrorMessages {
  private static final int MAX_LENGTH = 512;

  private ErrorMessages() {}

  public static String of(Throwable error) {
    Throwable cause = unwrap(error);
    String message;
    if (cause instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      message = k.getStatus().getMessage();
    } else {
      message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
    return message.length() <= MAX_LENGTH ? message : message.substring(0, MAX_LENGTH) + "…";
  }

  /** Whether the error is a 409 Conflict, i.e. a write that raced with another change. */
  public static boolean isConflict(Throwable error) {
    return unwrap(error) instanceof KubernetesClientException k && k.getCode() == 409;
  }

  /** JOSDK wraps what went wrong, sometimes several errors at once; the first one tells. */
  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (true) {
      if (cause instanceof AggregatedOperatorException aggregated
          && !aggregated.getAggregatedExceptions().isEmpty()) {
        cause = aggregated.getAggregatedExceptions().values().iterator().next();
      } else if (cause instanceof OperatorException && cause.getCause() != null) {
        cause = cause.getCause();
      } else if (cause instanceof KubernetesClientException k
          && k.getStatus() == null
          && cause.getCause() != null) {
        cause = cause.getCause();
      } else {
        return cause;
      }
    }
  }
}
