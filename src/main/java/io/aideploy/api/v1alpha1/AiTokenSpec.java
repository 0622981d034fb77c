package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A token's role and scope. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AiTokenSpec {
  /** RFC 3339 date-time, as Kubernetes itself writes timestamps (offset or Z required). */
  static final String RFC3339 =
      "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)"
          + "(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";

  /** The API server reads a NUL as the end of a selector: refuse control characters outright. */
  static final String NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$";

  @Required
  @JsonPropertyDescription(
      "Reader may query the apps the token matches; Operator may also start, stop and delete them."
          + " Required.")
  private Role role;

  @Size(max = 4096)
  @Pattern(NO_CONTROL_CHARACTERS)
  @JsonPropertyDescription(
      "Apps the token covers, in kubectl label-selector syntax (same meaning as kubectl get -l):"
          + " group=A, env in (prod,staging), !legacy, a=b,c!=d. ovh/id=<app uid> scopes the token"
          + " to exactly one app. Unset: every AiApp in the token's namespace. Apps created later"
          + " are covered too. At most 4096 characters.")
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
