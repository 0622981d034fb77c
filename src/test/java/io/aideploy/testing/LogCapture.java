package io.aideploy.testing;

import java.io.StringWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Captures every log line of this JVM (all levels of io.aideploy, JOSDK and fabric8). */
public final class LogCapture implements AutoCloseable {
  private final StringWriter lines = new StringWriter();
  private final WriterAppender appender;
  private final LoggerContext context;

  private LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    appender =
        WriterAppender.newBuilder()
            .setName("capture-" + System.nanoTime())
            .setTarget(lines)
            .setLayout(PatternLayout.newBuilder().withPattern("%level %logger %msg %ex%n").build())
            .build();
    appender.start();
    var config = context.getConfiguration();
    config.addAppender(appender);
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    config.getLoggerConfig("io.aideploy").setLevel(Level.DEBUG);
    context.updateLoggers();
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  public synchronized String text() {
    return lines.toString();
  }

  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
