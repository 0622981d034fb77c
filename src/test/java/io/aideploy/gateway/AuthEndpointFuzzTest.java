package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Fuzz test (Jazzer): replayed by {@code mvn verify}, fuzzed by bench/fuzz. */
class AuthEndpointFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void ticketsAreReadOnceAndRemoved(byte[] input) {
    String target = new String(input, StandardCharsets.UTF_8);
    ticket(target);
    ticket("/?" + target);
    // The text as the proxy passes it never has the ticket any more, as a query parameter.
    String without = AuthEndpoint.withoutTicket(target);
    assertThat(ticket(without)).isNull();
    assertThat(AuthEndpoint.withoutTicket(without)).isEqualTo(without);
    assertThat(without).startsWith(new ProxyAdapter.BrowserRequest("GET", target).path());
  }

  /** The ticket, null when there is none or the query is malformed (repeated ticket). */
  private static String ticket(String target) {
    try {
      String ticket = AuthEndpoint.ticket(new ProxyAdapter.BrowserRequest("GET", target));
      if (ticket != null) {
        assertThat(ticket).isNotEmpty().doesNotContain("&");
      }
      return ticket;
    } catch (RequestContext.MalformedRequest e) {
      return null;
    }
  }
}
