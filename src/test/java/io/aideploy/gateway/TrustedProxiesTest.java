package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.config.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.parse(Settings.DEFAULT_TRUSTED_PROXIES);

  @Test
  void untrustedPeersCannotChooseTheirAddress() {
    assertThat(proxies.clientAddress("203.0.113.7", "198.51.100.1", "198.51.100.2"))
        .isEqualTo("203.0.113.7");
  }

  @Test
  void trustedPeersNameTheClientByTheRightmostUntrustedHop() {
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, 198.51.100.9, 10.1.1.1", null))
        .isEqualTo("198.51.100.9");
    assertThat(proxies.clientAddress("10.0.0.5", null, "198.51.100.2")).isEqualTo("198.51.100.2");
    assertThat(proxies.clientAddress("127.0.0.1", null, null)).isEqualTo("127.0.0.1");
  }

  @Test
  void untrustedPeersAreNamedInCanonicalForm() {
    assertThat(proxies.clientAddress("203.0.113.7", null, null)).isEqualTo("203.0.113.7");
    assertThat(proxies.clientAddress("2001:db8:0:0:0:0:0:1", null, null)).isEqualTo("2001:db8::1");
  }

  @Test
  void garbageIsIgnored() {
    assertThat(proxies.clientAddress("10.0.0.5", "evil.example.com", "not-an-ip"))
        .isEqualTo("10.0.0.5");
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, garbage", null)).isEqualTo("10.0.0.5");
    assertThat(proxies.clientAddress(null, null, null)).isEqualTo("unknown");
  }

  @Test
  void ipv6Ranges() {
    TrustedProxies v6 = TrustedProxies.parse(List.of("fd00::/8"));
    assertThat(v6.clientAddress("fd12::1", "2001:db8::1", null)).isEqualTo("2001:db8::1");
    assertThat(v6.clientAddress("2001:db8::2", "2001:db8::1", null)).isEqualTo("2001:db8::2");
  }

  @Test
  void badRangesAreRefused() {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("example.com")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
