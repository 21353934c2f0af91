/** Encoder heads: the trainable layers on top of the encoders, with quaterion_models' exact math. */
package org.quaterion.models.heads;
