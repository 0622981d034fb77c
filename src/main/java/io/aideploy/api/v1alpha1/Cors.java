package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Which web origins may send the app CORS preflights without a token. Entries are origins exactly
 * as browsers serialize them (RFC 6454: lower case, no default port, no path), so the gateway can
 * compare them with the {@code Origin} header as they are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Cors {
  static final int MAX_ORIGINS = 16;
  static final int MAX_ORIGIN = 267; // "https://" + a 253-character host + ":65535"

  /**
   * {@code scheme://host[:port]}: http or https, a lower-case DNS name or IPv4 address without a
   * trailing dot, a port of 1-65535 without leading zeros. No wildcard, path, userinfo or query.
   */
  public static final String ORIGIN_PATTERN =
      "^https?://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
          + "(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]"
          + "|6553[0-5]))?$";

  @Required
  @Size(min = 1, max = MAX_ORIGINS)
  @ValidationRule(
      value =
          "self.all(o, !o.endsWith(':443') || !o.startsWith('https://'))"
              + " && self.all(o, !o.endsWith(':80') || !o.startsWith('http://'))",
      message =
          "spec.cors.allowedOrigins: leave out the default port (:443 for https, :80 for http),"
              + " as browsers do in the Origin header",
      reason = "FieldValueInvalid")
  @ValidationRule(
      value = "self.all(o, self.exists_one(p, p == o))",
      message = "spec.cors.allowedOrigins: each origin may be listed once",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Origins whose CORS preflights reach the app without a token: an OPTIONS request with an"
          + " Origin header equal to one of these and an Access-Control-Request-Method header is"
          + " let through so that the app answers it; every other request still needs a token."
          + " Each entry is scheme://host[:port] exactly as a browser sends it in Origin: http or"
          + " https, lower case, no default port, no path, no trailing slash or dot, no wildcard,"
          + " e.g. https://ui.example.com. 1-16 entries of at most 267 characters.")
  private List<@Size(max = MAX_ORIGIN) @Pattern(ORIGIN_PATTERN) String> allowedOrigins;

  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  public void setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = allowedOrigins;
  }
}
