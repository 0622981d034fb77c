package io.aideploy.gateway;

import io.netty.util.NetUtil;
import java.util.Arrays;

/** IP literals as bytes and text, with IPv4-mapped IPv6 addresses treated as the IPv4 address. */
final class IpAddresses {
  private IpAddresses() {}

  /**
   * The address's bytes (4 for IPv4, also for {@code ::ffff:a.b.c.d}; 16 for IPv6), or null when
   * {@code text} is not an IP literal. Nothing is resolved.
   */
  static byte[] parse(String text) {
    byte[] bytes = text == null ? null : NetUtil.createByteArrayFromIpAddressString(text);
    // A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d; they are IPv4 clients and proxies.
    return bytes != null && isIpv4Mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes;
  }

  /** The canonical text of {@code address}: dotted quad, or RFC 5952 IPv6. */
  static String text(byte[] address) {
    return NetUtil.bytesToIpAddress(address);
  }

  /**
   * The rate-limiting bucket of a client address: an IPv4 address itself, an IPv6 address's /64
   * prefix. One IPv6 host is usually given a whole /64, so counting single IPv6 addresses would
   * give every attacker 2^64 fresh buckets. Anything that is not an IP literal is its own bucket.
   */
  static String bucket(String client) {
    if (client == null || client.indexOf(':') < 0) {
      return client; // IPv4 text from TrustedProxies is canonical already; or "unknown"
    }
    byte[] address = parse(client);
    if (address == null) {
      return client;
    }
    if (address.length == 4) {
      return text(address);
    }
    byte[] prefix = Arrays.copyOf(address, 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    return text(prefix) + "/64";
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16 || bytes[10] != (byte) 0xFF || bytes[11] != (byte) 0xFF) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
