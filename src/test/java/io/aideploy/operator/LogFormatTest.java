package io.aideploy.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

/** The shipped log4j2.xml names the resource a reconcile is about on every line (JOSDK's MDC). */
class LogFormatTest {

  @Test
  void aLineDuringAReconcileNamesKindNamespaceAndName() {
    SortedArrayStringMap mdc = new SortedArrayStringMap();
    mdc.putValue("resource.kind", "AiApp");
    mdc.putValue("resource.namespace", "team-a");
    mdc.putValue("resource.name", "hello-world");
    assertThat(format(mdc)).contains(" INFO  [AiApp team-a/hello-world] AiAppReconciler - created");
  }

  @Test
  void aLineOutsideAReconcileHasAnEmptyResource() {
    assertThat(format(new SortedArrayStringMap())).contains(" INFO  [] AiAppReconciler - created");
  }

  private static String format(SortedArrayStringMap mdc) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LogEvent event =
        Log4jLogEvent.newBuilder()
            .setLoggerName("io.aideploy.app.AiAppReconciler")
            .setLevel(Level.INFO)
            .setMessage(new SimpleMessage("created"))
            .setContextData(mdc)
            .build();
    byte[] line = context.getConfiguration().getAppender("stderr").getLayout().toByteArray(event);
    return new String(line, StandardCharsets.UTF_8);
  }
}
