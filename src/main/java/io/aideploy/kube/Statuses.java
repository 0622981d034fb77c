package io.aideploy.kube;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;

/** Whether a status needs writing. */
public final class Statuses {
  private Statuses() {}

  /**
   * Whether two statuses would be written as the same JSON. Compares the serialised trees rather
   * than {@code equals}, so that a field added to a status class but forgotten in its {@code
   * equals} cannot silently stop status writes.
   */
  public static boolean same(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    var mapper = Serialization.jsonMapper();
    return Objects.equals(mapper.valueToTree(a), mapper.valueToTree(b));
  }
}
