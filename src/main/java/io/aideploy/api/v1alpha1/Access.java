package io.aideploy.api.v1alpha1;

/** Who may reach an app: token holders only, or anyone. */
public enum Access {
  Token,
  Public
}
