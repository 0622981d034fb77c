package io.aideploy.labels;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one owner of the reserved {@code ovh/} label prefix: an app's {@code ovh/id} is its uid and
 * its {@code ovh/type} is {@code app}, whatever a user wrote. The operator stamps these on apps and
 * children; the gateway computes access from {@link #effective} and never trusts stored values.
 */
public final class ReservedLabels {
  public static final String PREFIX = "ovh/";
  public static final String ID = "ovh/id";
  public static final String TYPE = "ovh/type";
  public static final String APP_TYPE = "app";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "aideploy";

  /** Label selector of everything the operator manages. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  /** Why a user may not set a reserved key, for every place that refuses one. */
  public static final String REFUSAL =
      "label keys under "
          + PREFIX
          + " are reserved: aideploy sets "
          + ID
          + " and "
          + TYPE
          + " itself and ignores any other value; choose another key";

  private ReservedLabels() {}

  /** True for keys under {@code ovh/}, which only the operator may set. */
  public static boolean isReserved(String key) {
    return key.startsWith(PREFIX);
  }

  /**
   * The labels that count for an app: the user's, minus any {@code ovh/} key, plus the enforced.
   */
  public static Map<String, String> effective(Map<String, String> labels, String uid) {
    Map<String, String> effective = new HashMap<>();
    if (labels != null) {
      labels.forEach(
          (key, value) -> {
            if (!isReserved(key)) {
              effective.put(key, value);
            }
          });
    }
    effective.put(ID, uid);
    effective.put(TYPE, APP_TYPE);
    return effective;
  }

  /** {@link #effective} labels of an app resource. */
  public static Map<String, String> effective(HasMetadata app) {
    return effective(app.getMetadata().getLabels(), app.getMetadata().getUid());
  }

  /** Labels of every child of an app: its effective labels plus the managed-by marker. */
  public static Map<String, String> forChildren(HasMetadata app) {
    Map<String, String> labels = effective(app);
    labels.put(MANAGED_BY, MANAGER);
    return labels;
  }

  /**
   * The reserved keys of {@code labels} whose values differ from the enforced ones, including
   * enforced keys that are missing and any other {@code ovh/} key; empty when all is well.
   */
  public static List<String> violations(Map<String, String> labels, String uid) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    List<String> wrong = new ArrayList<>();
    if (!Objects.equals(actual.get(ID), uid)) {
      wrong.add(ID);
    }
    if (!APP_TYPE.equals(actual.get(TYPE))) {
      wrong.add(TYPE);
    }
    actual.keySet().stream()
        .filter(key -> isReserved(key) && !ID.equals(key) && !TYPE.equals(key))
        .sorted()
        .forEach(wrong::add);
    return wrong;
  }
}
