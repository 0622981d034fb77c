package io.aideploy.labels;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;

/**
 * One requirement of a {@link Selector}, such as {@code tier in (web,api)}. Immutable.
 *
 * <p>Values are kept sorted and without duplicates, as the API server keeps them.
 */
public final class Requirement {
  private final String key;
  private final Operator operator;
  private final String[] values;
  // Parsed once here rather than on every match.
  private final long bound;

  private Requirement(String key, Operator operator, String[] values) {
    this.key = key;
    this.operator = operator;
    this.values = values;
    this.bound =
        operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN
            ? Long.parseLong(values[0])
            : 0;
  }

  /**
   * A requirement with a syntactically valid key and values, checking only that the number of
   * values suits the operator. The parser checks the syntax, with positions for its messages.
   */
  static Requirement of(String key, Operator operator, SortedSet<String> values) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    int count = values.size();
    switch (operator) {
      case IN, NOT_IN -> require(count > 0, "'in' and 'notin' need at least one value");
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> require(count == 1, "'=' needs exactly one value");
      case EXISTS, DOES_NOT_EXIST -> require(count == 0, "existence takes no value");
      case GREATER_THAN, LESS_THAN -> {
        require(count == 1, "'>' and '<' need exactly one value");
        require(LabelSyntax.isInt64(values.first()), "'>' and '<' need an integer");
      }
    }
    return new Requirement(key, operator, values.toArray(new String[0]));
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The label key, e.g. {@code example.com/tier}. */
  public String key() {
    return key;
  }

  /** The operator. */
  public Operator operator() {
    return operator;
  }

  /** The values, sorted and distinct: none for existence, one for equality, '>' and '<'. */
  public List<String> values() {
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /**
   * Whether labels satisfy this requirement, as the API server decides: {@code !=} and {@code
   * notin} also match when the key is absent; {@code >} and {@code <} need the key present with an
   * integer value. A key mapped to null counts as absent.
   */
  public boolean matches(Map<String, String> labels) {
    String value = labels.get(key);
    return switch (operator) {
      case EQUALS, DOUBLE_EQUALS, IN -> value != null && hasValue(value);
      case NOT_EQUALS, NOT_IN -> value == null || !hasValue(value);
      case EXISTS -> value != null;
      case DOES_NOT_EXIST -> value == null;
      case GREATER_THAN ->
          value != null && LabelSyntax.isInt64(value) && Long.parseLong(value) > bound;
      case LESS_THAN ->
          value != null && LabelSyntax.isInt64(value) && Long.parseLong(value) < bound;
    };
  }

  private boolean hasValue(String value) {
    // Selectors name few values; a linear scan beats hashing at this size.
    for (String candidate : values) {
      if (candidate.equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** The canonical form, as apimachinery prints it: {@code !k}, {@code k in (a,b)}, {@code k>3}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(key.length() + 16);
    appendTo(out);
    return out.toString();
  }

  void appendTo(StringBuilder out) {
    if (operator == Operator.DOES_NOT_EXIST) {
      out.append('!');
    }
    out.append(key);
    switch (operator) {
      case EXISTS, DOES_NOT_EXIST -> {}
      case EQUALS -> out.append('=').append(values[0]);
      case DOUBLE_EQUALS -> out.append("==").append(values[0]);
      case NOT_EQUALS -> out.append("!=").append(values[0]);
      case GREATER_THAN -> out.append('>').append(values[0]);
      case LESS_THAN -> out.append('<').append(values[0]);
      case IN, NOT_IN -> {
        out.append(operator == Operator.IN ? " in (" : " notin (");
        out.append(String.join(",", values)).append(')');
      }
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Requirement that
        && key.equals(that.key)
        && operator == that.operator
        && Arrays.equals(values, that.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, operator, Arrays.hashCode(values));
  }
}
