package io.aideploy.token;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A read from the API server per key (a namespace), shared by every caller that asked for it before
 * it began. Such a read is as fresh as the caller's own would have been, so a caller may take its
 * answer; a caller that asks while a read is under way waits for the next one, which starts when
 * that one ends and serves everyone who asked meanwhile.
 *
 * <p>Why: a token's first value may only be written after a live LIST of the namespace's
 * Deployments (see {@link IssueHold}). With 1,000 tokens created at once in a namespace of 1,000
 * apps, one LIST per token read a million Deployments and the API server timed the LISTs out
 * (docs/benchmarks.md); shared, the reconcile threads need one LIST per round of them.
 */
final class SharedFreshReads<T> {
  private final Map<String, Key<T>> keys = new ConcurrentHashMap<>();

  /** The answer of a {@code read} of {@code key} that began after this call did. */
  List<T> get(String key, Supplier<List<T>> read) {
    Key<T> state = keys.computeIfAbsent(key, k -> new Key<>());
    state.lock.lock();
    try {
      long ticket = ++state.asked;
      state.waiting++;
      try {
        while (state.running) {
          state.ended.awaitUninterruptibly();
          if (state.answeredUpTo >= ticket) {
            return state.answer;
          }
        }
        if (state.answeredUpTo >= ticket) {
          return state.answer;
        }
        return readFor(state, read);
      } finally {
        if (--state.waiting == 0 && !state.running) {
          state.answer = null; // nobody waits for it: do not keep a namespace's Deployments
        }
      }
    } finally {
      state.lock.unlock();
    }
  }

  /** Runs the read with the lock released; called with it held, returns with it held. */
  private static <T> List<T> readFor(Key<T> state, Supplier<List<T>> read) {
    state.running = true;
    long covers = state.asked;
    List<T> answer = null;
    state.lock.unlock();
    try {
      answer = List.copyOf(read.get());
      return answer;
    } finally {
      state.lock.lock();
      state.running = false;
      if (answer != null) {
        state.answer = answer;
        state.answeredUpTo = covers;
      }
      // On a failure the waiters wake up unanswered, and one of them reads again.
      state.ended.signalAll();
    }
  }

  private static final class Key<T> {
    final ReentrantLock lock = new ReentrantLock();
    final Condition ended = lock.newCondition();
    long asked;
    long answeredUpTo;
    int waiting;
    boolean running;
    List<T> answer;
  }
}
