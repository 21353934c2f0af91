/**
 * Tensor helpers for code that builds on DJL arrays (encoders, heads, losses, search):
 * {@link org.quaterion.models.tensor.Scalars} combines an array with a Java number in memory the engine owns, so the
 * result stays correct under autograd.
 */
package org.quaterion.models.tensor;
