package io.aideploy.gateway;

import java.util.Locale;

/** Why a decision came out as it did. A small fixed set, so it can be a metric tag. */
enum Reason {
  TOKEN_OK,
  PUBLIC_APP,
  CORS_PREFLIGHT,
  NO_TOKEN,
  MALFORMED_TOKEN,
  UNKNOWN_TOKEN,
  TOKEN_NOT_READY,
  TOKEN_EXPIRED,
  INVALID_SESSION,
  SESSION_REVOKED,
  SESSION_OTHER_APP,
  SIGNED_OUT,
  BAD_REDIRECT,
  CSRF_CHECK_FAILED,
  OTHER_NAMESPACE,
  OUT_OF_SCOPE,
  READER_ROLE,
  APP_CREATED,
  UNKNOWN_APP,
  MALFORMED_REQUEST,
  RATE_LIMITED,
  NOT_SYNCED,
  INTERNAL_ERROR;

  private final String tag = name().toLowerCase(Locale.ROOT);

  String tag() {
    return tag;
  }
}
