package io.aideploy.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiToken;
import io.aideploy.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
  static KubernetesClient client;

  private static AiToken token(String name) {
    AiToken token = new AiToken();
    token.getMetadata().setName(name);
    token.getMetadata().setNamespace("team");
    token.getMetadata().setUid(name + "-uid");
    return token;
  }

  private static List<Event> events() {
    return client.v1().events().inNamespace("team").list().getItems().stream()
        .sorted(Comparator.comparing(Event::getMessage))
        .toList();
  }

  @Test
  void theSameEventAgainBumpsItsCountInsteadOfAddingOne() {
    MutableClock clock = new MutableClock(Instant.parse("2027-03-01T12:00:00Z"));
    EventRecorder recorder = new EventRecorder(client, clock);
    AiToken token = token("retrying");

    recorder.warning(token, "ReconcileError", "the API server said no");
    clock.advance(Duration.ofSeconds(30));
    recorder.warning(token, "ReconcileError", "the API server said no");
    recorder.warning(token, "ReconcileError", "the API server said something else");
    recorder.warning(token("other"), "ReconcileError", "the API server said no");

    List<Event> mine =
        events().stream().filter(e -> "retrying".equals(e.getInvolvedObject().getName())).toList();
    assertThat(mine).hasSize(2);
    Event repeated = mine.get(0);
    assertThat(repeated.getMessage()).isEqualTo("the API server said no");
    assertThat(repeated.getCount()).isEqualTo(2);
    assertThat(repeated.getFirstTimestamp()).isEqualTo("2027-03-01T12:00:00Z");
    assertThat(repeated.getLastTimestamp()).isEqualTo("2027-03-01T12:00:30Z");
    assertThat(mine.get(1).getCount()).isEqualTo(1);
    assertThat(repeated.getMetadata().getName())
        .isEqualTo(EventRecorder.name(token, "Warning", "ReconcileError", "the API server said no"))
        .startsWith("retrying.");
  }

  @Test
  void namesStayWithinTheLimitForTheLongestObjectNames() {
    AiToken token = token("a".repeat(253));
    assertThat(EventRecorder.name(token, "Normal", "Issued", "x")).hasSizeLessThanOrEqualTo(253);
  }
}
