/**
 * State that survives a checkpoint: components of a training run (callbacks, a cross-batch memory, a step strategy)
 * implement {@link org.quaterion.state.Stateful} so that resuming from a checkpoint continues exactly where the run
 * stopped.
 */
package org.quaterion.state;
