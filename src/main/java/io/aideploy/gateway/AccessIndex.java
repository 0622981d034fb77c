package io.aideploy.gateway;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiToken;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The gateway's view of apps and tokens, fed only by informer events: token hash → token (the
 * current value's hash, and a replaced value's while its grace period lasts), token namespace/name
 * → token, app id → app. Lookups are lock-free map reads, so the request path never waits for the
 * API server.
 */
final class AccessIndex {
  private final Map<String, TokenEntry> tokensByHash = new ConcurrentHashMap<>();
  private final Map<String, TokenEntry> tokensByKey = new ConcurrentHashMap<>();
  private final Map<String, AppEntry> appsById = new ConcurrentHashMap<>();
  private volatile BooleanSupplier synced = () -> false;

  /** Whether every informer has delivered its initial list; until then nothing is decided. */
  boolean isSynced() {
    return synced.getAsBoolean();
  }

  void syncedWhen(BooleanSupplier condition) {
    this.synced = condition;
  }

  TokenEntry tokenByHash(String hash) {
    return tokensByHash.get(hash);
  }

  TokenEntry tokenByKey(String namespace, String name) {
    return tokensByKey.get(TokenEntry.key(namespace, name));
  }

  AppEntry app(String id) {
    return id == null ? null : appsById.get(id);
  }

  Collection<AppEntry> apps() {
    return appsById.values();
  }

  int tokenCount() {
    return tokensByKey.size();
  }

  int appCount() {
    return appsById.size();
  }

  void putToken(AiToken token) {
    String key = TokenEntry.key(token.getMetadata().getNamespace(), token.getMetadata().getName());
    TokenEntry entry = TokenEntry.from(token);
    // The old hashes go in the same event that brings the new ones: a regenerated value stops at
    // once (or, with a grace period, when the clock says so: see Authorizer).
    TokenEntry old = entry == null ? tokensByKey.remove(key) : tokensByKey.put(key, entry);
    if (old != null) {
      unindex(old);
    }
    if (entry != null) {
      tokensByHash.put(entry.tokenHash(), entry);
      if (entry.previousHash() != null) {
        tokensByHash.put(entry.previousHash(), entry);
      }
    }
  }

  void removeToken(AiToken token) {
    TokenEntry old =
        tokensByKey.remove(
            TokenEntry.key(token.getMetadata().getNamespace(), token.getMetadata().getName()));
    if (old != null) {
      unindex(old);
    }
  }

  /** Removes the hashes of {@code old}, unless a newer entry has taken them over since. */
  private void unindex(TokenEntry old) {
    tokensByHash.remove(old.tokenHash(), old);
    if (old.previousHash() != null) {
      tokensByHash.remove(old.previousHash(), old);
    }
  }

  void putApp(AiApp app) {
    if (app.getMetadata().getUid() != null) {
      appsById.put(app.getMetadata().getUid(), AppEntry.from(app));
    }
  }

  void removeApp(AiApp app) {
    if (app.getMetadata().getUid() != null) {
      appsById.remove(app.getMetadata().getUid());
    }
  }

  ResourceEventHandler<AiToken> tokenHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(AiToken token) {
        putToken(token);
      }

      @Override
      public void onUpdate(AiToken old, AiToken token) {
        putToken(token);
      }

      @Override
      public void onDelete(AiToken token, boolean finalStateUnknown) {
        removeToken(token);
      }
    };
  }

  ResourceEventHandler<AiApp> appHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(AiApp app) {
        putApp(app);
      }

      @Override
      public void onUpdate(AiApp old, AiApp app) {
        putApp(app);
      }

      @Override
      public void onDelete(AiApp app, boolean finalStateUnknown) {
        removeApp(app);
      }
    };
  }
}
