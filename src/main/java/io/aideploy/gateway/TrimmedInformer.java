package io.aideploy.gateway;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Makes an informer keep, and hand on, objects only as trimmed by {@link CachedFields}. fabric8 7.5
 * has no transform hook on informers, so this takes two places: the item store, where its cache
 * puts what the watch delivers, and the handler, since fabric8 hands handlers the object as it came
 * off the watch (or, for the initial list, as its store holds it).
 */
final class TrimmedInformer {
  private TrimmedInformer() {}

  /** Sets {@code informer}'s store and adds {@code handler}; call before it starts. */
  static <T extends HasMetadata> SharedIndexInformer<T> feed(
      SharedIndexInformer<T> informer, ResourceEventHandler<T> handler, UnaryOperator<T> trim) {
    informer.itemStore(new Store<>(trim));
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

  /** fabric8's own store, keyed as usual (namespace/name), holding trimmed objects. */
  static final class Store<T extends HasMetadata> implements ItemStore<T> {
    private final ItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> trim;

    Store(UnaryOperator<T> trim) {
      this.trim = trim;
    }

    @Override
    public String getKey(T object) {
      return store.getKey(object);
    }

    @Override
    public T put(String key, T object) {
      return store.put(key, trim.apply(object));
    }

    @Override
    public T remove(String key) {
      return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return store.keySet();
    }

    @Override
    public Stream<T> values() {
      return store.values();
    }

    @Override
    public int size() {
      return store.size();
    }

    @Override
    public T get(String key) {
      return store.get(key);
    }
  }
}
