package io.aideploy.api.v1alpha1;

/** What a token may do with the apps it matches. */
public enum Role {
  /** May query matching apps. */
  Reader,
  /** May query, start, stop and delete matching apps. */
  Operator
}
