package io.aideploy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed of an AiToken. Never holds the token value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AiTokenStatus {
  @JsonPropertyDescription("Ready (usable), Expired (past expiresAt) or Invalid (see conditions).")
  private TokenPhase phase;

  @JsonPropertyDescription("Secret (same namespace) whose key 'token' holds the token value.")
  private String secretName;

  @JsonPropertyDescription("sha256:<hex> of the current token value; the gateway matches on it.")
  private String tokenHash;

  @JsonPropertyDescription(
      "First 8 characters after aid_ of the current value, to tell tokens apart.")
  private String tokenPrefix;

  @JsonPropertyDescription("When the current value was issued (RFC 3339).")
  private String issuedAt;

  @JsonPropertyDescription(
      "sha256:<hex> of the previous value while it still works after a regeneration with a grace"
          + " period (annotation aideploy.io/regenerate-grace); absent otherwise.")
  private String previousTokenHash;

  @JsonPropertyDescription(
      "Until when (RFC 3339) the previous value still works; the gateway refuses it from this"
          + " instant on.")
  private String previousValueValidUntil;

  @JsonPropertyDescription("When the token stops working (RFC 3339), copied from spec.expiresAt.")
  private String expiresAt;

  @JsonPropertyDescription(
      "Last time the token was accepted by the gateway, at most once a minute.")
  private String lastUsedAt;

  @JsonPropertyDescription(
      "Browser sessions signed in before this time (RFC 3339, milliseconds) no longer work: set by"
          + " the gateway on sign-out, so that a sign-out ends the token's sessions on every"
          + " replica.")
  private String sessionsNotBefore;

  @JsonPropertyDescription(
      "What the token covers, as the Selector column shows it: spec.labelSelector, or <all apps>"
          + " when that is empty or unset.")
  private String scope;

  @JsonPropertyDescription("Number of AiApps the token's selector currently matches.")
  private Integer matchedApps;

  @JsonPropertyDescription(
      "The value of the aideploy.io/regenerate annotation that the current token value answers.")
  private String regenerateRequest;

  @JsonPropertyDescription("Latest observations; the Ready condition says whether the token works.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  public TokenPhase getPhase() {
    return phase;
  }

  public void setPhase(TokenPhase phase) {
    this.phase = phase;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getTokenHash() {
    return tokenHash;
  }

  public void setTokenHash(String tokenHash) {
    this.tokenHash = tokenHash;
  }

  public String getTokenPrefix() {
    return tokenPrefix;
  }

  public void setTokenPrefix(String tokenPrefix) {
    this.tokenPrefix = tokenPrefix;
  }

  public String getIssuedAt() {
    return issuedAt;
  }

  public void setIssuedAt(String issuedAt) {
    this.issuedAt = issuedAt;
  }

  public String getPreviousTokenHash() {
    return previousTokenHash;
  }

  public void setPreviousTokenHash(String previousTokenHash) {
    this.previousTokenHash = previousTokenHash;
  }

  public String getPreviousValueValidUntil() {
    return previousValueValidUntil;
  }

  public void setPreviousValueValidUntil(String previousValueValidUntil) {
    this.previousValueValidUntil = previousValueValidUntil;
  }

  public String getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(String expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getLastUsedAt() {
    return lastUsedAt;
  }

  public void setLastUsedAt(String lastUsedAt) {
    this.lastUsedAt = lastUsedAt;
  }

  public String getSessionsNotBefore() {
    return sessionsNotBefore;
  }

  public void setSessionsNotBefore(String sessionsNotBefore) {
    this.sessionsNotBefore = sessionsNotBefore;
  }

  public String getScope() {
    return scope;
  }

  public void setScope(String scope) {
    this.scope = scope;
  }

  public Integer getMatchedApps() {
    return matchedApps;
  }

  public void setMatchedApps(Integer matchedApps) {
    this.matchedApps = matchedApps;
  }

  public String getRegenerateRequest() {
    return regenerateRequest;
  }

  public void setRegenerateRequest(String regenerateRequest) {
    this.regenerateRequest = regenerateRequest;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AiTokenStatus s
        && phase == s.phase
        && Objects.equals(secretName, s.secretName)
        && Objects.equals(tokenHash, s.tokenHash)
        && Objects.equals(tokenPrefix, s.tokenPrefix)
        && Objects.equals(issuedAt, s.issuedAt)
        && Objects.equals(previousTokenHash, s.previousTokenHash)
        && Objects.equals(previousValueValidUntil, s.previousValueValidUntil)
        && Objects.equals(expiresAt, s.expiresAt)
        && Objects.equals(lastUsedAt, s.lastUsedAt)
        && Objects.equals(sessionsNotBefore, s.sessionsNotBefore)
        && Objects.equals(scope, s.scope)
        && Objects.equals(matchedApps, s.matchedApps)
        && Objects.equals(regenerateRequest, s.regenerateRequest)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(observedGeneration, s.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, tokenHash, matchedApps, observedGeneration);
  }
}
