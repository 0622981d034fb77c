package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.labels.Selector;
import io.aideploy.lifecycle.RefusedRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NewAppScopeTest {
  @Test
  void equalitiesBecomeLabelsSoTheAppIsBornInScope() {
    Selector selector = Selector.parse("group=A,env in (x),tier==web,size!=big");
    Map<String, String> labels = NewAppScope.labels(selector, Map.of("team", "ml"));
    assertThat(labels)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("group", "A", "env", "x", "tier", "web", "team", "ml"));
    assertThat(selector.matches(labels)).isTrue();
  }

  @Test
  void anEmptySelectorKeepsTheUsersLabels() {
    assertThat(NewAppScope.labels(Selector.everything(), Map.of("a", "b")))
        .containsExactlyEntriesOf(Map.of("a", "b"));
  }

  @Test
  void aSelectorThatOnlyExcludesIsRefusedNamingIt() {
    for (String text : new String[] {"group!=A", "group notin (A,B)", "!legacy,tier!=prod"}) {
      Selector selector = Selector.parse(text);
      assertThatThrownBy(() -> NewAppScope.labels(selector, Map.of()))
          .isInstanceOfSatisfying(RefusedRequest.class, e -> assertThat(e.status()).isEqualTo(422))
          .hasMessageContaining("'" + selector + "'")
          .hasMessageContaining("only excludes");
    }
  }

  @Test
  void severalValuesNeedTheUserToChooseOne() {
    Selector selector = Selector.parse("group in (A,B)");
    assertThatThrownBy(() -> NewAppScope.labels(selector, Map.of()))
        .hasMessageContaining("several values")
        .hasMessageContaining("group=A");
    assertThat(NewAppScope.labels(selector, Map.of("group", "B"))).containsEntry("group", "B");
  }

  @Test
  void labelsOutsideTheScopeAndContradictionsAreRefused() {
    assertThatThrownBy(() -> NewAppScope.labels(Selector.parse("group=A"), Map.of("group", "B")))
        .hasMessageContaining("group=B is outside");
    assertThatThrownBy(
            () -> NewAppScope.labels(Selector.parse("group=A,tier!=prod"), Map.of("tier", "prod")))
        .hasMessageContaining("'tier!=prod' does not hold");
    assertThatThrownBy(() -> NewAppScope.labels(Selector.parse("group=A,group!=A"), Map.of()))
        .hasMessageContaining("no app can meet");
    assertThatThrownBy(() -> NewAppScope.labels(Selector.parse("group=A,gpu"), Map.of()))
        .hasMessageContaining("needs the label gpu");
    assertThatThrownBy(() -> NewAppScope.labels(Selector.parse("ovh/id=abc"), Map.of()))
        .hasMessageContaining("aideploy sets itself");
  }
}
