package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A token's role and scope. Unknown fields are kept rather than pruned, only so that the rule below
 * can refuse them: a misspelled {@code lableSelector} applied without strict validation would
 * otherwise vanish and leave a token that covers every app. CEL cannot iterate over unknown fields,
 * but {@code size()} counts them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@PreserveUnknownFields
@ValidationRule(
    value =
        "size(dyn(self)) == (has(self.role) ? 1 : 0) + (has(self.labelSelector) ? 1 : 0)"
            + " + (has(self.expiresAt) ? 1 : 0) + (has(self.description) ? 1 : 0)",
    message =
        "spec has a field that is not role, labelSelector, expiresAt or description: check its"
            + " spelling (labelSelector, not lableSelector); an AiToken without labelSelector"
            + " covers every AiApp of its namespace")
public class AiTokenSpec {
  /** RFC 3339 date-time, as Kubernetes itself writes timestamps (offset or Z required). */
  static final String RFC3339 =
      "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)"
          + "(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

  /** The API server reads a NUL as the end of a selector: refuse control characters outright. */
  static final String NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$";

  /**
   * What to do about a selector that does not parse: said alike by the CLI, the CRD, the status.
   */
  public static final String SELECTOR_SYNTAX_HINT =
      "use kubectl syntax such as group=A or env in (prod,staging)";

  /** What a token whose selector is empty or unset covers, as people read it. */
  public static final String ALL_APPS = "<all apps>";

  /** Whitespace between the tokens of a selector, as apimachinery's lexer skips it. */
  private static final String SPACE = "[ \\t\\r\\n]*";

  private static final String KEY =
      "([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";

  private static final String VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";

  private static final String REQUIREMENT =
      "(!"
          + SPACE
          + KEY
          + "|"
          + KEY
          + "("
          + SPACE
          + "(=|==|!=)"
          + SPACE
          + VALUE
          + "|[ \\t\\r\\n]+(in|notin)"
          + SPACE
          + "[(]"
          + SPACE
          + VALUE
          + "("
          + SPACE
          + ","
          + SPACE
          + VALUE
          + ")*"
          + SPACE
          + "[)]|"
          + SPACE
          + "[<>]"
          + SPACE
          + "[0-9]+)?)";

  /**
   * The shape of a label selector, as far as a regular expression (RE2 in the API server, the same
   * in Java) can check it: lengths of keys and values, and keywords used as keys, are left to the
   * parser of the labels package, which the operator applies before it issues a value. It accepts
   * everything that parser accepts (but control characters, which the pattern above refuses).
   */
  public static final String SELECTOR_SHAPE =
      "^"
          + SPACE
          + "("
          + REQUIREMENT
          + "("
          + SPACE
          + ","
          + SPACE
          + REQUIREMENT
          + ")*)?"
          + SPACE
          + "\\z";

  @Required
  @JsonPropertyDescription(
      "Reader may query the apps the token matches; Operator may also start, stop and delete them."
          + " Required.")
  private Role role;

  @Size(max = 4096)
  @Pattern(NO_CONTROL_CHARACTERS)
  @ValidationRule(
      value = "self.matches(r'" + SELECTOR_SHAPE + "')",
      message = "labelSelector is not a kubectl label selector; " + SELECTOR_SYNTAX_HINT)
  @JsonPropertyDescription(
      "Apps the token covers, in kubectl label-selector syntax (same meaning as kubectl get -l):"
          + " group=A, env in (prod,staging), !legacy, a=b,c!=d. ovh/id=<app uid> scopes the token"
          + " to exactly one app. An empty string covers every AiApp in the token's namespace, on"
          + " purpose. Unset: every AiApp too, with a warning at admission where the aideploy chart"
          + " is installed (refused if its value tokens.requireExplicitScope is true). Apps created"
          + " later are covered too. At most 4096 characters.")
  private String labelSelector;

  // The pattern allows any number of fraction digits: the size bounds them.
  @Pattern(RFC3339)
  @Size(max = 64)
  @JsonPropertyDescription(
      "RFC 3339 date-time after which the token is refused, e.g. 2027-01-31T00:00:00Z; at most 64"
          + " characters. Unset: the token does not expire.")
  private String expiresAt;

  @Size(max = 1024)
  @JsonPropertyDescription("Free text saying what the token is for; at most 1024 characters.")
  private String description;

  public Role getRole() {
    return role;
  }

  public void setRole(Role role) {
    this.role = role;
  }

  public String getLabelSelector() {
    return labelSelector;
  }

  public void setLabelSelector(String labelSelector) {
    this.labelSelector = labelSelector;
  }

  /** What the token covers, for people: the selector, or {@value #ALL_APPS}. */
  public String scope() {
    return labelSelector == null || labelSelector.isBlank() ? ALL_APPS : labelSelector;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }
}
