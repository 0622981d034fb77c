package io.aideploy.gateway;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of short texts, as {@code base64url(text).base64url(mac)}. Each use passes
 * its own purpose, which is signed too, so a value signed for one purpose (a form token) is never
 * accepted for another (a session).
 */
final class Signer {
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  static final int MAX_SIGNED_LENGTH = 1024;

  private final SecretKeySpec key;
  // Mac instances are not thread-safe; creating one per call costs more than the MAC itself.
  private final ThreadLocal<Mac> macs;

  Signer(byte[] keyBytes) {
    this.key = new SecretKeySpec(keyBytes.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A signer with the configured key, or a random one when none is configured. */
  static Signer of(String configuredKey) {
    if (configuredKey != null) {
      return new Signer(configuredKey.getBytes(StandardCharsets.UTF_8));
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return new Signer(random);
  }

  String sign(String purpose, String text) {
    String payload = ENCODE.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    return payload + "." + ENCODE.encodeToString(mac(purpose, payload));
  }

  /** The signed text, or null when {@code signed} is not one of ours for {@code purpose}. */
  String verify(String purpose, String signed) {
    if (signed == null || signed.length() > MAX_SIGNED_LENGTH) {
      return null;
    }
    int dot = signed.indexOf('.');
    if (dot <= 0 || dot != signed.lastIndexOf('.')) {
      return null;
    }
    String payload = signed.substring(0, dot);
    try {
      byte[] given = DECODE.decode(signed.substring(dot + 1));
      if (!MessageDigest.isEqual(given, mac(purpose, payload))) {
        return null;
      }
      return new String(DECODE.decode(payload), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null; // not base64url
    }
  }

  private byte[] mac(String purpose, String payload) {
    Mac mac = macs.get();
    mac.update(purpose.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 0);
    return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must support HmacSHA256", e);
    }
  }
}
