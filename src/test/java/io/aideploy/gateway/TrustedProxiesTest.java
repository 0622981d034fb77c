package io.aideploy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aideploy.config.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.parse(List.of("127.0.0.0/8", "10.0.0.0/8"));

  @Test
  void untrustedPeersCannotChooseTheirAddress() {
    assertThat(proxies.clientAddress("203.0.113.7", "198.51.100.1", "198.51.100.2"))
        .isEqualTo("203.0.113.7");
  }

  @Test
  void trustedPeersNameTheClientByTheRightmostUntrustedHop() {
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, 198.51.100.9, 10.1.1.1", null))
        .isEqualTo("198.51.100.9");
    assertThat(proxies.clientAddress("10.0.0.5", "198.51.100.9", null)).isEqualTo("198.51.100.9");
    assertThat(proxies.clientAddress("10.0.0.5", null, "198.51.100.2")).isEqualTo("198.51.100.2");
    assertThat(proxies.clientAddress("127.0.0.1", null, null)).isEqualTo("127.0.0.1");
  }

  @Test
  void whenEveryHopIsTrustedTheRightmostOneIsTheClientNotTheLeftmost() {
    // A pod at 10.0.0.2 sends "X-Forwarded-For: 10.9.9.9" and the ingress appends 10.0.0.2: the
    // leftmost hop is the caller's own text, the rightmost is what the trusted peer wrote.
    assertThat(proxies.clientAddress("10.0.0.5", "10.9.9.9, 10.0.0.2", null)).isEqualTo("10.0.0.2");
    assertThat(proxies.clientAddress("10.0.0.5", "10.0.0.2", "10.7.7.7")).isEqualTo("10.0.0.2");
  }

  @Test
  void garbageStopsTheWalkAtTheHopToItsRight() {
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, garbage, 10.0.0.2, 10.0.0.3", null))
        .isEqualTo("10.0.0.2");
    assertThat(proxies.clientAddress("10.0.0.5", "garbage, 10.0.0.2", null)).isEqualTo("10.0.0.2");
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, , 10.0.0.2", null))
        .isEqualTo("10.0.0.2");
  }

  @Test
  void garbageAsTheRightmostHopFallsBackToXRealIpThenThePeer() {
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, garbage", "198.51.100.2"))
        .isEqualTo("198.51.100.2");
    assertThat(proxies.clientAddress("10.0.0.5", "1.2.3.4, garbage", null)).isEqualTo("10.0.0.5");
    assertThat(proxies.clientAddress("10.0.0.5", "evil.example.com", "not-an-ip"))
        .isEqualTo("10.0.0.5");
    assertThat(proxies.clientAddress(null, null, null)).isEqualTo("unknown");
  }

  @Test
  void untrustedPeersAreNamedInCanonicalForm() {
    assertThat(proxies.clientAddress("203.0.113.7", null, null)).isEqualTo("203.0.113.7");
    assertThat(proxies.clientAddress("2001:db8:0:0:0:0:0:1", null, null)).isEqualTo("2001:db8::1");
  }

  @Test
  void ipv4MappedAddressesAreIpv4() {
    // A dual-stack socket shows an IPv4 ingress pod as ::ffff:10.0.0.5: still the trusted proxy.
    assertThat(proxies.clientAddress("::ffff:10.0.0.5", "198.51.100.9", null))
        .isEqualTo("198.51.100.9");
    assertThat(proxies.clientAddress("::ffff:203.0.113.7", null, null)).isEqualTo("203.0.113.7");
  }

  @Test
  void ipv6Ranges() {
    TrustedProxies v6 = TrustedProxies.parse(List.of("fd00::/8"));
    assertThat(v6.clientAddress("fd12::1", "2001:db8::1", null)).isEqualTo("2001:db8::1");
    assertThat(v6.clientAddress("2001:db8::2", "2001:db8::1", null)).isEqualTo("2001:db8::2");
  }

  @Test
  void theDefaultTrustsOnlyLoopback() {
    TrustedProxies defaults = TrustedProxies.parse(Settings.DEFAULT_TRUSTED_PROXIES);
    assertThat(defaults.clientAddress("10.0.0.5", "198.51.100.9", null)).isEqualTo("10.0.0.5");
    assertThat(defaults.clientAddress("192.168.1.1", "198.51.100.9", null))
        .isEqualTo("192.168.1.1");
    assertThat(defaults.clientAddress("127.0.0.1", "198.51.100.9", null)).isEqualTo("198.51.100.9");
    assertThat(defaults.clientAddress("::1", "2001:db8::1", null)).isEqualTo("2001:db8::1");
  }

  @Test
  void everyAddressCanBeTrusted() {
    TrustedProxies all = TrustedProxies.parse(List.of("0.0.0.0/0", "::/0"));
    assertThat(all.clientAddress("10.0.0.5", "1.2.3.4, 198.51.100.9", null))
        .isEqualTo("198.51.100.9");
    assertThat(all.clientAddress("fd00::5", "2001:db8::1", null)).isEqualTo("2001:db8::1");
  }

  @Test
  void badRangesAreRefused() {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("example.com")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
