package io.aideploy.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.aideploy.api.v1alpha1.Access;
import io.aideploy.api.v1alpha1.AiApp;
import io.aideploy.api.v1alpha1.AiAppSpec;
import io.aideploy.api.v1alpha1.AppResources;
import io.aideploy.api.v1alpha1.Autoscaling;
import io.aideploy.api.v1alpha1.Streaming;
import io.aideploy.labels.ReservedLabels;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The body of {@code POST /v1/apps} (docs/api.md), also what {@code aideploy app run} creates
 * through the Kubernetes API: a closed set of fields, so that a token holder, who has no cluster
 * account, can ask only for what the token already gives. In particular an environment variable is
 * a literal name and value: a {@code valueFrom} (or {@code envFrom}, a volume, a service account)
 * would let an Operator token read the namespace's Secrets through an app it then queries. Any
 * other field is refused, never silently dropped.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewAppRequest(
    String name,
    String image,
    Map<String, String> labels,
    Integer defaultHttpPort,
    Boolean unsecureHttp,
    Resources resources,
    Integer replicas,
    Scaling autoscaling,
    List<Env> env,
    Stream streaming) {

  /** Largest accepted body; an AiApp with every list full is far smaller. */
  public static final int MAX_BYTES = 64 * 1024;

  /** What an AiApp name may be here: its children (Service, Ingress) reuse it as a DNS label. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** Prefix of generated names; the API server adds five random characters. */
  private static final String GENERATED_PREFIX = "app-";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public record Resources(String cpu, String memory, Integer gpu) {}

  public record Scaling(Integer minReplicas, Integer maxReplicas) {}

  public record Env(String name, String value) {}

  /** {@code spec.streaming}; its bounds are the CRD's, checked by the API server. */
  public record Stream(Boolean enabled, Integer idleTimeoutSeconds, Integer maxStreamSeconds) {}

  /**
   * Reads and checks a body.
   *
   * @throws RefusedRequest 400 when it is not the JSON object described in docs/api.md, 422 when a
   *     field asks for something a token may not
   */
  public static NewAppRequest parse(byte[] body) {
    NewAppRequest request;
    try {
      request = JSON.readValue(body, NewAppRequest.class);
    } catch (UnrecognizedPropertyException e) {
      throw new RefusedRequest(422, unknownField(e));
    } catch (JsonMappingException e) {
      throw new RefusedRequest(400, "the body does not match the app fields at " + where(e));
    } catch (JsonProcessingException e) {
      throw new RefusedRequest(400, "the body is not valid JSON");
    } catch (IOException e) {
      throw new RefusedRequest(400, "the body cannot be read");
    }
    if (request == null) {
      throw new RefusedRequest(400, "the body must be a JSON object");
    }
    return request.checked();
  }

  /**
   * This request, once its fields pass the checks made before anything is written.
   *
   * @throws RefusedRequest 422 naming the field
   */
  public NewAppRequest checked() {
    if (image == null || image.isBlank()) {
      throw new RefusedRequest(
          422, "image is required, e.g. {\"image\": \"ovhcom/ai-deploy-hello-world\"}");
    }
    if (name != null && !NAME.matcher(name).matches()) {
      throw new RefusedRequest(
          422,
          "name must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or"
              + " digit (it names the app's Service); omit it to get a generated name");
    }
    if (labels != null) {
      for (var label : labels.entrySet()) {
        if (ReservedLabels.isReserved(label.getKey())) {
          throw new RefusedRequest(422, ReservedLabels.REFUSAL);
        }
        if (label.getValue() == null) {
          throw new RefusedRequest(422, "labels: each value must be a string");
        }
      }
    }
    if (env != null) {
      for (Env variable : env) {
        if (variable == null || variable.name() == null || variable.value() == null) {
          throw new RefusedRequest(
              422,
              "env: each item needs a name and a literal value, e.g. {\"name\": \"MODEL\", \"value\": \"small\"}");
        }
      }
    }
    if (streaming != null && streaming.enabled() == null) {
      throw new RefusedRequest(
          422, "streaming.enabled is required, e.g. {\"streaming\": {\"enabled\": true}}");
    }
    return this;
  }

  /**
   * The AiApp to create in {@code namespace} with {@code scopeLabels} (the user's labels and the
   * token's). The API server checks the rest against the CRD schema.
   */
  public AiApp toAiApp(String namespace, Map<String, String> scopeLabels) {
    AiApp app = new AiApp();
    ObjectMetaBuilder meta =
        new ObjectMetaBuilder().withNamespace(namespace).withLabels(Map.copyOf(scopeLabels));
    if (name == null) {
      meta.withGenerateName(GENERATED_PREFIX);
    } else {
      meta.withName(name);
    }
    app.setMetadata(meta.build());
    AiAppSpec spec = new AiAppSpec();
    spec.setImage(image);
    if (defaultHttpPort != null) {
      spec.setPort(defaultHttpPort);
    }
    spec.setAccess(Boolean.TRUE.equals(unsecureHttp) ? Access.Public : Access.Token);
    if (resources != null) {
      AppResources wanted = new AppResources();
      wanted.setCpu(resources.cpu());
      wanted.setMemory(resources.memory());
      wanted.setGpu(resources.gpu());
      spec.setResources(wanted);
    }
    spec.setReplicas(replicas);
    if (autoscaling != null) {
      Autoscaling scaling = new Autoscaling();
      if (autoscaling.minReplicas() != null) {
        scaling.setMinReplicas(autoscaling.minReplicas());
      }
      scaling.setMaxReplicas(autoscaling.maxReplicas());
      spec.setAutoscaling(scaling);
    }
    if (env != null) {
      spec.setEnv(env.stream().map(e -> new EnvVar(e.name(), e.value(), null)).toList());
    }
    if (streaming != null) {
      Streaming wanted = new Streaming();
      wanted.setEnabled(streaming.enabled());
      if (streaming.idleTimeoutSeconds() != null) {
        wanted.setIdleTimeoutSeconds(streaming.idleTimeoutSeconds());
      }
      wanted.setMaxStreamSeconds(streaming.maxStreamSeconds());
      spec.setStreaming(wanted);
    }
    app.setSpec(spec);
    return app;
  }

  private static String unknownField(UnrecognizedPropertyException e) {
    String field = e.getPropertyName();
    String at = where(e);
    if (List.of("valueFrom", "secretKeyRef", "configMapKeyRef", "fieldRef", "envFrom")
        .contains(field)) {
      return "env takes only literal values ({\"name\": …, \"value\": …}): "
          + field
          + " at "
          + at
          + " would read Secrets or ConfigMaps the token does not grant";
    }
    String known =
        e.getKnownPropertyIds() == null
            ? ""
            : e.getKnownPropertyIds().stream()
                .map(Object::toString)
                .sorted()
                .collect(Collectors.joining(", "));
    return "unknown field '" + bounded(field) + "' at " + at + "; the fields are: " + known;
  }

  /** The JSON path of a mapping error, e.g. {@code env[0].valueFrom}; names are bounded. */
  private static String where(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(bounded(reference.getFieldName()));
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "the top level" : path.toString();
  }

  /** Client-chosen text for a message: short and on one line. */
  private static String bounded(String value) {
    String line = value.replaceAll("\\p{Cntrl}", "?");
    return line.length() <= 64 ? line : line.substring(0, 64) + "…";
  }
}
