package io.aideploy.gateway;

import io.aideploy.labels.Operator;
import io.aideploy.labels.Requirement;
import io.aideploy.labels.ReservedLabels;
import io.aideploy.labels.Selector;
import io.aideploy.lifecycle.RefusedRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels that make an app created with a token be born inside the token's scope: the user's
 * labels plus one label per equality of the selector ({@code group=A}, {@code group==A}, or {@code
 * group in (A)} with a single value). A selector is refused when those labels cannot satisfy it,
 * with a message naming the requirement and what to do.
 */
final class NewAppScope {
  /** Stands for the uid the API server will assign, so reserved labels count as they will. */
  private static final String UNKNOWN_UID = "00000000-0000-0000-0000-000000000000";

  private NewAppScope() {}

  /**
   * The labels for a new app under {@code selector}.
   *
   * @throws RefusedRequest 422 when no app created with these labels would be in scope
   */
  static Map<String, String> labels(Selector selector, Map<String, String> userLabels) {
    Map<String, String> labels = new TreeMap<>(userLabels == null ? Map.of() : userLabels);
    if (selector.isEmpty()) {
      return labels;
    }
    if (selector.requirements().stream().allMatch(NewAppScope::isExclusion)) {
      throw refused(
          selector,
          "it only excludes apps (!=, notin, !key) and names no group a new app belongs to; create"
              + " apps with a token whose selector has an equality such as group=A, or an empty"
              + " one");
    }
    for (Requirement requirement : selector.requirements()) {
      String key = requirement.key();
      if (!isEquality(requirement) || ReservedLabels.isReserved(key)) {
        continue;
      }
      String value = requirement.values().get(0);
      String given = labels.putIfAbsent(key, value);
      if (given != null && !given.equals(value)) {
        throw refused(
            selector, "the label " + key + "=" + given + " is outside it: omit it or use " + value);
      }
    }
    Map<String, String> effective = new HashMap<>(ReservedLabels.effective(labels, UNKNOWN_UID));
    for (Requirement requirement : selector.requirements()) {
      if (!requirement.matches(effective)) {
        throw refused(selector, unmet(requirement, labels));
      }
    }
    return labels;
  }

  private static boolean isEquality(Requirement requirement) {
    return switch (requirement.operator()) {
      case EQUALS, DOUBLE_EQUALS -> true;
      case IN -> requirement.values().size() == 1;
      default -> false;
    };
  }

  private static boolean isExclusion(Requirement requirement) {
    Operator operator = requirement.operator();
    return operator == Operator.NOT_EQUALS
        || operator == Operator.NOT_IN
        || operator == Operator.DOES_NOT_EXIST;
  }

  private static String unmet(Requirement requirement, Map<String, String> labels) {
    String key = requirement.key();
    if (ReservedLabels.isReserved(key)) {
      return "'"
          + requirement
          + "' is about labels aideploy sets itself, which a new app cannot meet";
    }
    return switch (requirement.operator()) {
      case IN ->
          "'"
              + requirement
              + "' names several values and no single one: pass one of them as a label, e.g. "
              + key
              + "="
              + requirement.values().get(0);
      case EXISTS, GREATER_THAN, LESS_THAN ->
          "'" + requirement + "' needs the label " + key + ": pass it with a value that meets it";
      default ->
          "'"
              + requirement
              + "' does not hold with the labels "
              + labels
              + ": change the labels you pass; if the token's own equalities contradict it, no"
              + " app can meet this selector";
    };
  }

  private static RefusedRequest refused(Selector selector, String why) {
    return new RefusedRequest(
        422, "this token's selector '" + selector + "' cannot cover a new app: " + why);
  }
}
