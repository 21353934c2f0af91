/** A training callback written outside the library: it uses only the public {@code Callback} API. */
package org.quaterion.examples.callbacks;
