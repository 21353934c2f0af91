/** Classifiers on top of a similarity model's embeddings (inference): {@link LinearClassifier}. */
package org.quaterion.models.classify;
