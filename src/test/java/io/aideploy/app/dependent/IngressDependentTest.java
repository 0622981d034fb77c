package io.aideploy.app.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.config.Settings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class IngressDependentTest {
  private static AiApp app(Access access) {
    AiApp app = new AiApp();
    app.setMetadata(new ObjectMetaBuilder().withName("hello").withUid("u-1").build());
    AiAppSpec spec = new AiAppSpec();
    spec.setAccess(access);
    app.setSpec(spec);
    return app;
  }

  @Test
  void authKeepaliveIsWrittenOnlyWhenSet() {
    assertThat(IngressDependent.authAnnotations(app(Access.Token), Settings.builder().build()))
        .containsKey(IngressDependent.AUTH_URL)
        .doesNotContainKey(IngressDependent.AUTH_KEEPALIVE);
    assertThat(
            IngressDependent.authAnnotations(
                app(Access.Token), Settings.builder().authKeepalive(16).build()))
        .containsEntry(IngressDependent.AUTH_KEEPALIVE, "16");
  }

  @Test
  void aPublicAppHasNoAuthAnnotationsAtAll() {
    assertThat(
            IngressDependent.authAnnotations(
                app(Access.Public), Settings.builder().authKeepalive(16).build()))
        .isEmpty();
  }
}
