package io.aideploy.gateway;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the client address for rate limiting. The TCP peer of the gateway is the ingress
 * controller, not the browser, so when the peer is a trusted proxy its {@code X-Forwarded-For}
 * (rightmost entry that is not itself a trusted proxy) or else {@code X-Real-IP} names the client.
 * Headers from untrusted peers are ignored, so a caller cannot pick its own bucket. Only IP
 * literals are accepted: nothing here resolves a name.
 */
final class TrustedProxies {
  private record Cidr(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Cidr> ranges;

  private TrustedProxies(List<Cidr> ranges) {
    this.ranges = ranges;
  }

  /**
   * @throws IllegalArgumentException for a range that is not {@code <ip>/<bits>} or a plain IP
   */
  static TrustedProxies parse(List<String> cidrs) {
    List<Cidr> ranges = new ArrayList<>();
    for (String text : cidrs) {
      int slash = text.indexOf('/');
      String ip = slash < 0 ? text : text.substring(0, slash);
      byte[] network = NetUtil.createByteArrayFromIpAddressString(ip);
      if (network == null) {
        throw new IllegalArgumentException("not an IP range: '" + text + "'");
      }
      int bits;
      try {
        bits = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not an IP range: '" + text + "'");
      }
      if (bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException("not an IP range: '" + text + "'");
      }
      ranges.add(new Cidr(network, bits));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  boolean isTrusted(byte[] address) {
    for (Cidr range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The client address in canonical text form; {@code peer} when nothing better is trusted. */
  String clientAddress(String peer, String forwardedFor, String realIp) {
    byte[] peerBytes = peer == null ? null : NetUtil.createByteArrayFromIpAddressString(peer);
    if (peerBytes == null) {
      return "unknown";
    }
    if (!isTrusted(peerBytes)) {
      // The socket's own IPv4 text is already canonical; spare the per-request conversion.
      return peerBytes.length == 4 && peer.indexOf(':') < 0 ? peer : canonical(peerBytes);
    }
    if (forwardedFor != null && forwardedFor.length() <= 4096) {
      String[] hops = forwardedFor.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        byte[] hop = NetUtil.createByteArrayFromIpAddressString(hops[i].strip());
        if (hop == null) {
          break; // garbage from here leftwards may have been written by the client
        }
        if (!isTrusted(hop) || i == 0) {
          return canonical(hop);
        }
      }
    }
    if (realIp != null) {
      byte[] real = NetUtil.createByteArrayFromIpAddressString(realIp.strip());
      if (real != null) {
        return canonical(real);
      }
    }
    return canonical(peerBytes);
  }

  private static String canonical(byte[] address) {
    return NetUtil.bytesToIpAddress(address);
  }
}
