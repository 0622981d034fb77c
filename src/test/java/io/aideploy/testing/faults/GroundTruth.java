package io.aideploy.testing.faults;

import io.aideploy.crypto.TokenValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every (token value, app) pair is entitled to at every instant, from what the API server
 * accepted, and the verdict on each answer of the gateway.
 *
 * <p>Instants are {@link System#nanoTime()}. The instant of a change is the earliest moment the
 * checker learnt that the API server had accepted it: the response to its own write, or a list that
 * shows it (the {@link ClusterPoller} lists every 200 ms). Both come at or after the real
 * acceptance, so the checker can only err in the product's favour, by its own read latency.
 *
 * <p>The rule (docs/faults.md):
 *
 * <ul>
 *   <li>A request <b>must be refused</b> when, at the instant it was sent, (a) its value was
 *       replaced (regenerated) or its token deleted at least {@link #REVOCATION_BOUND} earlier, or
 *       (a') its value was replaced with a grace period ({@code status.previousValueValidUntil})
 *       that had ended by the wall clock, and the gateway knew it: it had allowed a newer value of
 *       the token before, or the replacement was {@link #REVOCATION_BOUND} old (a gateway that has
 *       not seen the regeneration still holds the old value as current, within the staleness
 *       bound), or (b) the token's {@code expiresAt} had passed (the gateway checks expiry itself,
 *       on its own clock: no bound), or (c) the app's labels were out of the token's selector for
 *       the whole of the {@link #REVOCATION_BOUND} before it. An allow then is a <b>wrong
 *       allow</b>. The bound is the product's promise: a gateway that has not heard from the API
 *       server for 10 s stops deciding (503), and one that hears from it gets the change through
 *       its watch at once.
 *   <li>A request <b>should be allowed</b> when its value had been published (the token's status
 *       carried its hash) at least {@link #GRANT_SLACK} before it was sent, was still current or in
 *       its grace period (the answer came before {@code previousValueValidUntil}), the token
 *       unexpired and undeleted when the answer came, and the app in the token's scope for that
 *       whole time. A 401/403/429 then is a <b>wrong deny</b>.
 *   <li>Anything else is a transition: either answer is right. A 503 is never a wrong allow nor a
 *       wrong deny: it is counted as unavailable.
 * </ul>
 */
public final class GroundTruth {
  /**
   * docs/operations.md: a change reaches every replica, or the replica answers 503, within 10 s.
   */
  public static final Duration REVOCATION_BOUND = Duration.ofSeconds(10);

  /** How long after publication a value must work: the watch latency, with ample room. */
  public static final Duration GRANT_SLACK = Duration.ofSeconds(1);

  private static final long NEVER = Long.MAX_VALUE;

  /** One value of a token, from its publication until it is replaced (and its grace ends). */
  private static final class Era {
    final String hash;
    final long from;
    long replacedAt = NEVER;
    String value;

    /**
     * The wall-clock end of the grace its replacement gave it (the status's {@code
     * previousValueValidUntil} when it became the previous value); null: none.
     */
    Instant graceUntil;

    /** When the gateway's first allow of this value was answered: it had published this era. */
    long firstAllowedAt = NEVER;

    Era(String hash, long from) {
      this.hash = hash;
      this.from = from;
    }
  }

  /** A token as the API server has it. */
  private static final class TokenTruth {
    final String name;
    final String group;
    final Instant expiresAt;
    final List<Era> eras = new ArrayList<>();
    long deletedAt = NEVER;
    String regenerateRequest;

    TokenTruth(String name, String group, Instant expiresAt) {
      this.name = name;
      this.group = group;
      this.expiresAt = expiresAt;
    }

    Era current() {
      return eras.isEmpty() ? null : eras.get(eras.size() - 1);
    }

    /** The era whose value is {@code value} (sampled from this token, so there is one). */
    Era eraOf(String value) {
      return eras.stream().filter(e -> value.equals(e.value)).findFirst().orElseThrow();
    }

    /**
     * When the value stopped working at once: its replacement without grace, the replacement of its
     * successor during its grace (one previous value only), or the token's deletion.
     */
    long revokedAt(Era era) {
      long ended = era.replacedAt;
      if (era.graceUntil != null) {
        int next = eras.indexOf(era) + 1;
        ended = next < eras.size() ? eras.get(next).replacedAt : NEVER;
      }
      return Math.min(ended, deletedAt);
    }

    /**
     * From when the gateway must apply the end of {@code era}'s grace: once it has shown it holds a
     * newer value (allowed one), or when the replacement is as old as the staleness bound.
     */
    long graceKnownFrom(Era era, long bound) {
      long known = era.replacedAt == NEVER ? NEVER : era.replacedAt + bound;
      for (Era later : eras.subList(eras.indexOf(era) + 1, eras.size())) {
        known = Math.min(known, later.firstAllowedAt);
      }
      return known;
    }

    boolean expiredAt(Instant wall) {
      return expiresAt != null && !wall.isBefore(expiresAt);
    }
  }

  /**
   * The group label an app carries from a change on. The instant of the change is known to lie in
   * [earliest, latest]: a write was sent at earliest and answered at latest, or a list sent at
   * earliest still showed the old labels and one answered at latest showed the new ones.
   */
  private record LabelEra(String group, long earliest, long latest) {}

  private static final class AppTruth {
    final String uid;
    final List<LabelEra> eras = new ArrayList<>();
    long resourceVersion;

    AppTruth(String uid) {
      this.uid = uid;
    }

    /** Whether the app's group was {@code group} for the whole of [from, to], for certain. */
    boolean inGroupThroughout(String group, long from, long to) {
      return possibleGroups(from, to).stream().allMatch(group::equals);
    }

    /** Whether the app's group was other than {@code group} for the whole of [from, to]. */
    boolean outOfGroupThroughout(String group, long from, long to) {
      return possibleGroups(from, to).stream().noneMatch(group::equals);
    }

    String lastGroup() {
      return eras.get(eras.size() - 1).group();
    }

    /** The groups the app may have carried at some instant of [from, to]. */
    private List<String> possibleGroups(long from, long to) {
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < eras.size(); i++) {
        long end = i + 1 < eras.size() ? eras.get(i + 1).latest() : NEVER;
        if (eras.get(i).earliest() <= to && end > from) {
          groups.add(eras.get(i).group());
        }
      }
      return groups;
    }
  }

  /** A request the load generator can send: a value of a token, for an app. */
  public record Probe(String token, String value, String app, String appUid) {}

  private final Map<String, TokenTruth> tokens = new HashMap<>();
  private final Map<String, AppTruth> apps = new HashMap<>();
  private final long revocationBound = REVOCATION_BOUND.toNanos();
  private final long grantSlack = GRANT_SLACK.toNanos();
  private int spuriousRegenerations;
  private long graceAllows;
  private long graceRefusals;
  private final List<String> spuriousDetails = new ArrayList<>();

  // --- what the API server accepted ------------------------------------------------------------

  public synchronized void appCreated(String app, String uid, String group, long at) {
    AppTruth truth = apps.computeIfAbsent(app, a -> new AppTruth(uid));
    if (truth.eras.isEmpty()) {
      truth.eras.add(new LabelEra(group, Long.MIN_VALUE, at));
    }
  }

  /**
   * The app carries {@code group} at {@code resourceVersion}, by a change made in [earliest,
   * latest]. An older version than one already known (a list served before a write was answered) is
   * ignored.
   */
  public synchronized void appGroup(
      String app, String group, long resourceVersion, long earliest, long latest) {
    AppTruth truth = apps.get(app);
    if (truth == null || resourceVersion <= truth.resourceVersion) {
      return;
    }
    truth.resourceVersion = resourceVersion;
    if (!truth.eras.get(truth.eras.size() - 1).group().equals(group)) {
      truth.eras.add(new LabelEra(group, earliest, latest));
    }
  }

  public synchronized void tokenCreated(String token, String group, Instant expiresAt) {
    tokens.putIfAbsent(token, new TokenTruth(token, group, expiresAt));
  }

  /**
   * The token's status as listed at {@code at}: a new hash opens a new era and ends the previous
   * one, with the grace the status gives it ({@code previousHash} and {@code previousValidUntil},
   * null without). A new hash without a new regenerate request is a regeneration nobody asked for.
   */
  public synchronized void tokenStatus(
      String token,
      String hash,
      String regenerateRequest,
      String previousHash,
      String previousValidUntil,
      boolean deleting,
      long at) {
    TokenTruth truth = tokens.get(token);
    if (truth == null) {
      return;
    }
    if (deleting) {
      truth.deletedAt = Math.min(truth.deletedAt, at);
    }
    if (hash == null) {
      return;
    }
    Era current = truth.current();
    if (current == null) {
      truth.eras.add(new Era(hash, at));
    } else if (!current.hash.equals(hash)) {
      if (java.util.Objects.equals(regenerateRequest, truth.regenerateRequest)) {
        spuriousRegenerations++;
        spuriousDetails.add(token + " got a new value without a regenerate request");
      }
      current.replacedAt = Math.min(current.replacedAt, at);
      if (current.hash.equals(previousHash) && previousValidUntil != null) {
        current.graceUntil = Instant.parse(previousValidUntil);
      }
      truth.eras.add(new Era(hash, at));
    }
    truth.regenerateRequest = regenerateRequest;
  }

  /** The value a token's Secret holds; it becomes usable once it matches a published hash. */
  public synchronized void secretValue(String token, String value) {
    TokenTruth truth = tokens.get(token);
    if (truth == null || value == null) {
      return;
    }
    for (Era era : truth.eras) {
      if (era.value == null && TokenValue.matchesHash(value, era.hash)) {
        era.value = value;
      }
    }
  }

  /** The token is deleted (or being deleted) as of {@code at}. */
  public synchronized void tokenDeleted(String token, long at) {
    TokenTruth truth = tokens.get(token);
    if (truth != null) {
      truth.deletedAt = Math.min(truth.deletedAt, at);
    }
  }

  public synchronized boolean isDeleted(String token) {
    TokenTruth truth = tokens.get(token);
    return truth == null || truth.deletedAt != NEVER;
  }

  public synchronized int spuriousRegenerations() {
    return spuriousRegenerations;
  }

  public synchronized List<String> spuriousDetails() {
    return List.copyOf(spuriousDetails);
  }

  /** Right allows of a replaced value within its grace period: the rule was exercised. */
  public synchronized long graceAllows() {
    return graceAllows;
  }

  /**
   * Right refusals of a replaced value sent after its grace ended (and the gateway knew it), for an
   * app in the token's scope: refusals that the end of the grace alone accounts for.
   */
  public synchronized long graceRefusals() {
    return graceRefusals;
  }

  // --- what to ask -----------------------------------------------------------------------------

  /**
   * A random request: a token (live, or deleted lately: its value must stay refused), one of its
   * known values (the current one more often than not), and an app. One time in ten, the value a
   * grace period keeps working (or kept: its end is what is tested) for an app in its token's
   * scope. Null before any value is known.
   */
  public synchronized Probe sample(List<String> sampledTokens) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<String> appNames = new ArrayList<>(apps.keySet());
    if (sampledTokens.isEmpty() || appNames.isEmpty()) {
      return null;
    }
    if (random.nextInt(10) == 0) {
      Probe graced = gracedPrevious(sampledTokens, appNames, random);
      if (graced != null) {
        return graced;
      }
    }
    TokenTruth token = tokens.get(sampledTokens.get(random.nextInt(sampledTokens.size())));
    if (token == null) {
      return null;
    }
    List<Era> known = token.eras.stream().filter(e -> e.value != null).toList();
    if (known.isEmpty()) {
      return null;
    }
    Era era =
        random.nextInt(10) < 7
            ? known.get(known.size() - 1)
            : known.get(random.nextInt(known.size()));
    String app = appNames.get(random.nextInt(appNames.size()));
    return new Probe(token.name, era.value, app, apps.get(app).uid);
  }

  /**
   * The last value replaced with a grace of a token that has one, for an app last seen in the
   * token's scope; null if none.
   */
  private Probe gracedPrevious(
      List<String> sampledTokens, List<String> appNames, ThreadLocalRandom random) {
    List<TokenTruth> graced = new ArrayList<>();
    for (String name : sampledTokens) {
      TokenTruth token = tokens.get(name);
      int size = token == null ? 0 : token.eras.size();
      if (size > 1
          && token.eras.get(size - 2).graceUntil != null
          && token.eras.get(size - 2).value != null) {
        graced.add(token);
      }
    }
    if (graced.isEmpty()) {
      return null;
    }
    TokenTruth token = graced.get(random.nextInt(graced.size()));
    List<String> inScope =
        appNames.stream().filter(a -> apps.get(a).lastGroup().equals(token.group)).toList();
    if (inScope.isEmpty()) {
      return null;
    }
    String app = inScope.get(random.nextInt(inScope.size()));
    Era era = token.eras.get(token.eras.size() - 2);
    return new Probe(token.name, era.value, app, apps.get(app).uid);
  }

  // --- verdicts --------------------------------------------------------------------------------

  /** What an answer was judged to be. */
  public enum Verdict {
    RIGHT_ALLOW,
    RIGHT_DENY,
    /** A change was in flight: either answer was right. */
    TRANSITION,
    WRONG_ALLOW,
    WRONG_DENY,
    UNAVAILABLE,
    /** No HTTP answer (connection refused, timeout) or an unexpected status. */
    NO_ANSWER
  }

  /**
   * Judges {@code status} (-1: no answer) to {@code probe}, sent at {@code sentAt} (wall clock
   * {@code sentWall}) and answered at {@code answeredAt} (wall {@code answeredWall}).
   */
  public synchronized Verdict judge(
      Probe probe,
      long sentAt,
      Instant sentWall,
      long answeredAt,
      Instant answeredWall,
      int status) {
    if (status == 503) {
      return Verdict.UNAVAILABLE;
    }
    boolean allowed = status == 200;
    boolean refused = status == 401 || status == 403 || status == 429;
    if (!allowed && !refused) {
      return Verdict.NO_ANSWER;
    }
    TokenTruth token = tokens.get(probe.token());
    AppTruth app = apps.get(probe.app());
    Era era = token.eraOf(probe.value());
    long revokedAt = token.revokedAt(era);
    // Sent at or after the deadline, so decided after it, by the same clock: no margin needed.
    // Sent before it but answered after it: in flight across the deadline, either answer is right.
    boolean graceOver =
        era.graceUntil != null
            && !sentWall.isBefore(era.graceUntil)
            && token.graceKnownFrom(era, revocationBound) <= sentAt;
    boolean mustRefuse =
        (revokedAt != NEVER && revokedAt + revocationBound <= sentAt)
            || graceOver
            || token.expiredAt(sentWall)
            || app.outOfGroupThroughout(token.group, sentAt - revocationBound, sentAt);
    boolean inGrace = era.graceUntil != null && answeredWall.isBefore(era.graceUntil);
    boolean shouldAllow =
        era.from + grantSlack <= sentAt
            && revokedAt > answeredAt
            && (era.replacedAt > answeredAt || inGrace)
            && !token.expiredAt(answeredWall)
            && app.inGroupThroughout(token.group, sentAt - grantSlack, answeredAt);
    if (allowed) {
      era.firstAllowedAt = Math.min(era.firstAllowedAt, answeredAt);
      if (shouldAllow && !mustRefuse && era.graceUntil != null) {
        graceAllows++;
      }
      return mustRefuse
          ? Verdict.WRONG_ALLOW
          : shouldAllow ? Verdict.RIGHT_ALLOW : Verdict.TRANSITION;
    }
    // A refusal the end of the grace alone accounts for: the app in scope, the token unexpired.
    if (graceOver
        && !token.expiredAt(sentWall)
        && app.inGroupThroughout(token.group, sentAt - grantSlack, answeredAt)) {
      graceRefusals++;
    }
    return shouldAllow ? Verdict.WRONG_DENY : mustRefuse ? Verdict.RIGHT_DENY : Verdict.TRANSITION;
  }

  private static String since(long sentAt, long at) {
    return at == NEVER ? "never" : Duration.ofNanos(sentAt - at).toString();
  }

  /** Why an allow was wrong, without the value: for the test's failure message. */
  public synchronized String explain(Probe probe, long sentAt, Instant sentWall) {
    TokenTruth token = tokens.get(probe.token());
    Era era = token.eraOf(probe.value());
    long revokedAt = token.revokedAt(era);
    StringBuilder labels = new StringBuilder();
    for (LabelEra label : apps.get(probe.app()).eras) {
      labels.append(
          String.format(
              " %s in [%s, %s] ms",
              label.group(),
              label.earliest() == Long.MIN_VALUE ? "-inf" : (label.earliest() - sentAt) / 1_000_000,
              (label.latest() - sentAt) / 1_000_000));
    }
    return String.format(
        "token %s (value %s, era %d of %d, group %s, expiresAt %s) for app %s (%s), sent at %s:"
            + " value revoked %s before, grace until %s (gateway knew from %s before);"
            + " the app's group changes, relative to the sending:%s",
        token.name,
        TokenValue.prefix(probe.value()),
        token.eras.indexOf(era) + 1,
        token.eras.size(),
        token.group,
        token.expiresAt,
        probe.app(),
        probe.appUid(),
        sentWall,
        revokedAt == NEVER ? "never" : Duration.ofNanos(sentAt - revokedAt),
        era.graceUntil,
        era.graceUntil == null ? "-" : since(sentAt, token.graceKnownFrom(era, revocationBound)),
        labels);
  }
}
