package io.aideploy.labels;

/** How a {@link Requirement} relates a label's value to its values. */
public enum Operator {
  /** {@code key=value}: the label is present with that value. */
  EQUALS,
  /** {@code key==value}: same as {@link #EQUALS}, kept apart to print the selector as written. */
  DOUBLE_EQUALS,
  /** {@code key!=value}: the label is absent or has another value. */
  NOT_EQUALS,
  /** {@code key in (a,b)}: the label is present with one of the values. */
  IN,
  /** {@code key notin (a,b)}: the label is absent or has none of the values. */
  NOT_IN,
  /** {@code key}: the label is present, whatever its value. */
  EXISTS,
  /** {@code !key}: the label is absent. */
  DOES_NOT_EXIST,
  /** {@code key>n}: the label is present and its value is an integer greater than n. */
  GREATER_THAN,
  /** {@code key<n}: the label is present and its value is an integer less than n. */
  LESS_THAN
}
