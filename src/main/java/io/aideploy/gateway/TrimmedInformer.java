package io.aideploy.gateway;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Makes an informer hand its handler objects only as trimmed by {@link CachedFields}, and keep in
 * its own store nothing but each object's identity. The handler ({@link AccessIndex}) keeps what
 * the gateway decides on; the informer's store is needed only to tell adds from updates, to find
 * what a relist no longer has, and to give a deleted object's key and uid. Holding whole (even
 * trimmed) objects there too doubled the gateway's heap per AiApp.
 *
 * <p>fabric8 7.5 has no transform hook, so the handler is wrapped; and since the store is not a
 * full copy ({@link IdentityStore#isFullState}), fabric8 hands the initial list's objects to the
 * handler as they arrive instead of from its store.
 */
final class TrimmedInformer {
  private TrimmedInformer() {}

  /** Sets {@code informer}'s store and adds {@code handler}; call before it starts. */
  static <T extends HasMetadata> SharedIndexInformer<T> feed(
      SharedIndexInformer<T> informer, ResourceEventHandler<T> handler, UnaryOperator<T> trim) {
    informer.itemStore(new IdentityStore<>(informer.getApiTypeClass()));
    // The index fabric8 keeps by default (namespace -> keys) is never read here.
    informer.removeNamespaceIndex();
    informer.addEventHandler(trimmed(handler, trim));
    return informer;
  }

  private static <T> ResourceEventHandler<T> trimmed(
      ResourceEventHandler<T> handler, UnaryOperator<T> trim) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        handler.onAdd(trim.apply(object));
      }

      @Override
      public void onUpdate(T old, T object) {
        handler.onUpdate(trim.apply(old), trim.apply(object));
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        handler.onDelete(trim.apply(object), finalStateUnknown);
      }

      @Override
      public void onNothing() {
        handler.onNothing();
      }
    };
  }

  /**
   * fabric8's store, keyed as usual (namespace/name), holding per object only its uid and
   * resourceVersion. The objects it hands back (the old side of an update, an object a relist found
   * gone) carry namespace, name, uid and resourceVersion; every other field is the type's default.
   */
  static final class IdentityStore<T extends HasMetadata> implements ItemStore<T> {
    private record Identity(String uid, String resourceVersion) {}

    private final Map<String, Identity> identities = new ConcurrentHashMap<>();
    private final Class<T> type;

    IdentityStore(Class<T> type) {
      this.type = type;
    }

    @Override
    public String getKey(T object) {
      return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
      Identity identity =
          new Identity(object.getMetadata().getUid(), object.getMetadata().getResourceVersion());
      return restore(key, identities.put(key, identity));
    }

    @Override
    public T remove(String key) {
      return restore(key, identities.remove(key));
    }

    @Override
    public Stream<String> keySet() {
      return identities.keySet().stream();
    }

    @Override
    public Stream<T> values() {
      return identities.entrySet().stream().map(e -> restore(e.getKey(), e.getValue()));
    }

    @Override
    public int size() {
      return identities.size();
    }

    @Override
    public T get(String key) {
      return restore(key, identities.get(key));
    }

    /** Not a copy of each object: fabric8 must not take the initial list's adds from here. */
    @Override
    public boolean isFullState() {
      return false;
    }

    private T restore(String key, Identity identity) {
      if (identity == null) {
        return null;
      }
      T object;
      try {
        object = type.getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(type + " has no public no-argument constructor", e);
      }
      int slash = key.indexOf('/');
      object.getMetadata().setNamespace(slash < 0 ? null : key.substring(0, slash));
      object.getMetadata().setName(key.substring(slash + 1));
      object.getMetadata().setUid(identity.uid());
      object.getMetadata().setResourceVersion(identity.resourceVersion());
      return object;
    }
  }
}
