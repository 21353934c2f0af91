/** Distances and similarities between embeddings, in matrix and row-wise form on one scale. */
package org.quaterion.distance;
