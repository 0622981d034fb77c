package io.aideploy.labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector, such as {@code tier in (web,api),!legacy}, with exactly the syntax
 * and meaning that {@code kubectl get -l} and the API server give it (apimachinery {@code
 * labels.Parse}, v0.35). Immutable and thread-safe; matching allocates nothing.
 */
public final class Selector {
  private static final Selector EVERYTHING = new Selector(new Requirement[0]);

  // Sorted by key (stably), as the API server sorts them: toString() depends on the order.
  private final Requirement[] requirements;

  private Selector(Requirement[] requirements) {
    this.requirements = requirements;
  }

  /** The selector that matches every set of labels; its text is empty. */
  public static Selector everything() {
    return EVERYTHING;
  }

  /**
   * Parses a selector as the API server does. Requirements are separated by commas and all must
   * hold: {@code key=value}, {@code key==value}, {@code key!=value}, {@code key in (a,b)}, {@code
   * key notin (a,b)}, {@code key}, {@code !key}, {@code key>n}, {@code key<n}. A missing value, as
   * in {@code key=} or {@code key in ()}, is the empty value.
   *
   * <p>{@code null}, the empty string, and text made only of spaces, tabs, CRs and LFs select
   * everything, as they do in a list request. Other whitespace, such as form feeds or non-ASCII
   * spaces, is not a separator, so the API server refuses it and so does this method.
   *
   * @throws SelectorSyntaxException if the API server would refuse {@code text}
   */
  public static Selector parse(String text) {
    if (text == null) {
      return EVERYTHING;
    }
    List<Requirement> parsed = new ArrayList<>(SelectorParser.parse(text));
    if (parsed.isEmpty()) {
      return EVERYTHING;
    }
    parsed.sort(Comparator.comparing(Requirement::key));
    return new Selector(parsed.toArray(new Requirement[0]));
  }

  /**
   * Parses the selector of an AiToken: as {@link #parse}, but refuses control characters other than
   * tab, CR and LF. The API server reads a NUL as the end of a selector, so {@code "\u0000group=A"}
   * would select everything; a token must never widen that way.
   *
   * @throws SelectorSyntaxException if {@code text} is not a valid token scope
   */
  public static Selector parseTokenScope(String text) {
    if (text != null) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
          throw new SelectorSyntaxException(
              "invalid label selector: control character at position " + i, i);
        }
      }
    }
    return parse(text);
  }

  /**
   * Whether {@code labels} satisfy every requirement. A null map is an empty one, and a key mapped
   * to null counts as absent.
   */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> present = labels == null ? Map.of() : labels;
    for (Requirement requirement : requirements) {
      if (!requirement.matches(present)) {
        return false;
      }
    }
    return true;
  }

  /** Whether this selector matches everything. */
  public boolean isEmpty() {
    return requirements.length == 0;
  }

  /** The requirements, sorted by key. */
  public List<Requirement> requirements() {
    return List.of(requirements);
  }

  /**
   * The canonical form, as apimachinery's {@code String()} prints it: requirements sorted by key,
   * values sorted and distinct, e.g. {@code a in (x,y),!b,c=}. Parsing it gives an equal selector.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < requirements.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      requirements[i].appendTo(out);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Selector that && Arrays.equals(requirements, that.requirements);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(requirements);
  }
}
