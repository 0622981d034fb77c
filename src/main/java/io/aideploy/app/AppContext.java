package io.aideploy.app;

import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.config.Settings;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * What one reconcile of an AiApp hands its dependents through the workflow context: the settings,
 * and a list where they note which children they created or updated (for the Events).
 */
public final class AppContext {
  private AppContext() {}

  /** Records the children a reconcile wrote. */
  public static final class Changes {
    private final List<String> created = new ArrayList<>();
    private final List<String> updated = new ArrayList<>();

    public synchronized void created(String kind) {
      created.add(kind);
    }

    public synchronized void updated(String kind) {
      updated.add(kind);
    }

    public synchronized List<String> created() {
      return List.copyOf(created);
    }

    public synchronized List<String> updated() {
      return List.copyOf(updated);
    }
  }

  static void prepare(Context<AiApp> context, Settings settings) {
    var workflow = context.managedWorkflowAndDependentResourceContext();
    workflow.put(Settings.class, settings);
    workflow.put(Changes.class, new Changes());
  }

  public static Settings settings(Context<AiApp> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(Settings.class, Settings.class);
  }

  public static Changes changes(Context<AiApp> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(Changes.class, Changes.class);
  }
}
