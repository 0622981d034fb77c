package io.aideploy.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.AiAppStatus;
import io.aideploy.api.v1alpha1.AiTokenStatus;
import io.aideploy.api.v1alpha1.Condition;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusesTest {

  /**
   * Every property a status writes counts: a change of any one is a change to write, whatever the
   * class's equals says.
   */
  @Test
  void everyStatusPropertyCounts() throws Exception {
    for (Class<?> type : new Class<?>[] {AiTokenStatus.class, AiAppStatus.class}) {
      for (PropertyDescriptor property :
          Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors()) {
        if (property.getWriteMethod() == null) {
          continue;
        }
        Object base = type.getDeclaredConstructor().newInstance();
        Object changed = type.getDeclaredConstructor().newInstance();
        property.getWriteMethod().invoke(changed, sample(property.getPropertyType()));
        assertThat(Statuses.same(base, changed))
            .as(type.getSimpleName() + "." + property.getName())
            .isFalse();
      }
    }
  }

  @Test
  void equalContentIsTheSame() {
    AiTokenStatus a = new AiTokenStatus();
    AiTokenStatus b = new AiTokenStatus();
    a.setTokenHash("sha256:x");
    b.setTokenHash("sha256:x");
    assertThat(Statuses.same(a, b)).isTrue();
    assertThat(Statuses.same(null, null)).isTrue();
    assertThat(Statuses.same(a, null)).isFalse();
  }

  private static Object sample(Class<?> type) {
    if (type == String.class) {
      return "x";
    }
    if (type == Integer.class || type == int.class) {
      return 7;
    }
    if (type == Long.class || type == long.class) {
      return 7L;
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[0];
    }
    if (type == List.class) {
      return List.of(new Condition());
    }
    throw new IllegalArgumentException("no sample for " + type);
  }
}
