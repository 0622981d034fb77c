package io.aideploy.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per access decision on the {@code io.aideploy.gateway.audit} logger: token name, app,
 * result and reason. Everything in it is either ours (enums) or validated (namespace/name from the
 * index, ids matching the uid pattern, IP literals), so a request cannot forge log lines, and a
 * token value is never among it.
 */
final class AuditLog {
  private static final Logger audit = LoggerFactory.getLogger("io.aideploy.gateway.audit");

  void record(GatewayMetrics.Route route, Decision decision, String client) {
    if (!audit.isInfoEnabled()) {
      return;
    }
    TokenEntry token = decision.token();
    audit.info(
        "route={} result={} reason={} token={} app={} client={}",
        route.tag(),
        decision.outcome().tag(),
        decision.reason().tag(),
        token == null ? "-" : token.key(),
        decision.appId() == null ? "-" : decision.appId(),
        client);
  }
}
