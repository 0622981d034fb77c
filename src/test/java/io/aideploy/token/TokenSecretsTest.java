package io.aideploy.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.crypto.TokenValue;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenSecretsTest {
  private static final Instant NOW = Instant.parse("2027-03-01T12:00:00.750Z");

  private static AiToken token() {
    AiToken token = new AiToken();
    token.getMetadata().setName("reader");
    token.getMetadata().setNamespace("team");
    token.getMetadata().setUid("uid-1");
    return token;
  }

  @Test
  void aSecretDescribesTheValueItHolds() {
    IssuedValue issued = IssuedValue.generate(NOW, "r1", null);
    Secret secret = TokenSecrets.build(token(), issued);

    assertThat(secret.getMetadata().getAnnotations())
        .containsEntry(TokenSecrets.HASH_ANNOTATION, TokenValue.hash(issued.value()))
        .containsEntry(TokenSecrets.ISSUED_AT_ANNOTATION, "2027-03-01T12:00:00Z")
        .containsEntry(TokenSecrets.ANSWERS_ANNOTATION, "r1");
    IssuedValue read = TokenSecrets.issued(secret, null);
    assertThat(read).isEqualTo(issued);
    assertThat(read.intact()).isTrue();
    assertThat(read.toString()).doesNotContain(issued.value());
  }

  @Test
  void anOlderSecretIsReadWithTheDescriptionItsStatusKept() {
    IssuedValue issued = IssuedValue.generate(NOW, null, null);
    Secret old = TokenSecrets.build(token(), issued);
    old.getMetadata().setAnnotations(null);
    AiTokenStatus status = new AiTokenStatus();
    status.setTokenHash(issued.hash());
    status.setIssuedAt("2026-01-01T00:00:00Z");
    status.setRegenerateRequest("r0");

    IssuedValue read = TokenSecrets.issued(old, status);
    assertThat(read.described()).isFalse();
    assertThat(read.intact()).isTrue();
    assertThat(read.issuedAt()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(read.answers()).isEqualTo("r0");

    // Not the value the status names: nothing vouches for it.
    status.setTokenHash(TokenValue.hash(TokenValue.generate()));
    assertThat(TokenSecrets.issued(old, status).intact()).isFalse();
  }

  @Test
  void noValueNoIssue() {
    assertThat(TokenSecrets.issued(null, null)).isNull();
    Secret empty = TokenSecrets.build(token(), IssuedValue.generate(NOW, null, null));
    empty.setData(null);
    assertThat(TokenSecrets.issued(empty, null)).isNull();
  }
}
