package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyAdapterTest {
  @Test
  void eachProxyHasItsOwnPath() {
    assertThat(ProxyAdapter.forPath("/auth")).isSameAs(NginxAdapter.INSTANCE);
    assertThat(ProxyAdapter.forPath("/auth/traefik")).isSameAs(TraefikAdapter.INSTANCE);
    assertThat(ProxyAdapter.forPath("/auth/envoy")).isSameAs(EnvoyAdapter.INSTANCE);
    assertThat(ProxyAdapter.forPath("/auth/envoy/v1/predict")).isSameAs(EnvoyAdapter.INSTANCE);
    // What used to fall through to "some /auth" is no proxy's path now.
    assertThat(ProxyAdapter.forPath("/auth/")).isNull();
    assertThat(ProxyAdapter.forPath("/auth/v1/predict")).isNull();
    assertThat(ProxyAdapter.forPath("/auth/envoyx")).isNull();
    assertThat(ProxyAdapter.forPath("/auth/traefik/x")).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/x?aideploy_ticket=T|T",
        "/x?a=1&aideploy_ticket=T&b=2|T",
        "/x?xaideploy_ticket=T|",
        "/x?a=aideploy_ticket=T|",
        "/x?aideploy_ticket=|",
        "/x|"
      })
  void theTicketIsReadFromTheBrowsersQueryOnly(String target, String ticket) {
    assertThat(AuthEndpoint.ticket(new ProxyAdapter.BrowserRequest("GET", target)))
        .isEqualTo(ticket);
  }

  @Test
  void aRepeatedTicketIsAmbiguous() {
    var browser = new ProxyAdapter.BrowserRequest("GET", "/x?aideploy_ticket=A&aideploy_ticket=B");
    assertThatThrownBy(() -> AuthEndpoint.ticket(browser))
        .isInstanceOf(RequestContext.MalformedRequest.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/x?aideploy_ticket=T|/x",
        "/x?a=1&aideploy_ticket=T&b=2|/x?a=1&b=2",
        "/x?aideploy_ticket=T&b=2|/x?b=2",
        "/x?a=1|/x?a=1",
        "/x|/x"
      })
  void theHandOffRedirectDropsOnlyTheTicket(String target, String location) {
    assertThat(AuthEndpoint.withoutTicket(target)).isEqualTo(location);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://a.example.com/|https://a.example.com/?aideploy_ticket=T",
        "https://a.example.com/p?q=1|https://a.example.com/p?q=1&aideploy_ticket=T",
        "https://a.example.com/p#f|https://a.example.com/p?aideploy_ticket=T#f"
      })
  void theLoginPageAddsTheTicketToTheAppsAddress(String rd, String location) {
    assertThat(LoginEndpoint.withTicket(rd, "T")).isEqualTo(location);
  }
}
