package io.aideploy.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A scoped access token: a role over the AiApps that its label selector matches. */
@Group(AiApp.GROUP)
@Version(AiApp.VERSION)
@Singular("aitoken")
@Plural("aitokens")
@ShortNames("aitoken")
@Categories("aideploy")
@AdditionalPrinterColumn(
    name = "Role",
    jsonPath = ".spec.role",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Selector",
    jsonPath = ".status.scope",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Apps",
    jsonPath = ".status.matchedApps",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Last-Used",
    jsonPath = ".status.lastUsedAt",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AiToken extends CustomResource<AiTokenSpec, AiTokenStatus> implements Namespaced {
  /** Changing this annotation's value asks the operator for a new token value. */
  public static final String REGENERATE_ANNOTATION = "aideploy.io/regenerate";

  /**
   * How long the previous value keeps working after a regeneration that this annotation comes with
   * (a kubectl duration such as {@code 10m}; at most {@code 168h}). Absent: not at all.
   */
  public static final String REGENERATE_GRACE_ANNOTATION = "aideploy.io/regenerate-grace";

  @Override
  @Required
  public AiTokenSpec getSpec() {
    return super.getSpec();
  }
}
