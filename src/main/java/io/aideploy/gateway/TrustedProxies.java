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

  /**
   * The client address in canonical text form (the full address: grouping IPv6 clients by /64 is
   * {@link FailedAttempts}' business, and the audit log wants the address itself); {@code peer}
   * when nothing better is trusted.
   *
   * <p>Each proxy appends the address it received the connection from, so {@code X-Forwarded-For}
   * is read from the right: the rightmost hop was written by the peer, a trusted proxy. Walking
   * left, the client is the first hop that is not itself a trusted proxy. When every hop is trusted
   * the rightmost one is taken, never the leftmost: the leftmost may have been written by the
   * client (a caller inside a trusted range sending its own header). A hop that is not an IP stops
   * the walk at the hop to its right, the last one a trusted proxy wrote.
   */
  String clientAddress(String peer, String forwardedFor, String realIp) {
    byte[] peerBytes = IpAddresses.parse(peer);
    if (peerBytes == null) {
      return "unknown";
    }
    if (!isTrusted(peerBytes)) {
      // The socket's own IPv4 text is already canonical; spare the per-request conversion.
      return peerBytes.length == 4 && peer.indexOf(':') < 0 ? peer : IpAddresses.text(peerBytes);
    }
    byte[] forwarded = forwardedClient(forwardedFor);
    if (forwarded != null) {
      return IpAddresses.text(forwarded);
    }
    byte[] real = realIp == null ? null : IpAddresses.parse(realIp.strip());
    return IpAddresses.text(real != null ? real : peerBytes);
  }

  /** The client named by a trusted peer's X-Forwarded-For, or null when it names none. */
  private byte[] forwardedClient(String forwardedFor) {
    if (forwardedFor == null || forwardedFor.length() > 4096) {
      return null;
    }
    String[] hops = forwardedFor.split(",", -1);
    byte[] rightmost = null;
    byte[] previous = null; // the hop to the right of the current one
    for (int i = hops.length - 1; i >= 0; i--) {
      byte[] hop = IpAddresses.parse(hops[i].strip());
      if (hop == null) {
        return previous; // garbage from here leftwards may have been written by the client
      }
      if (!isTrusted(hop)) {
        return hop;
      }
      if (rightmost == null) {
        rightmost = hop;
      }
      previous = hop;
    }
    return rightmost; // every hop is a trusted proxy: the one the peer itself wrote
  }
}
