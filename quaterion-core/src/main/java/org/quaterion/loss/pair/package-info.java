/** Pair losses in Quaterion's pair layout (2n embeddings, pairs, scores, subgroups). */
package org.quaterion.loss.pair;
