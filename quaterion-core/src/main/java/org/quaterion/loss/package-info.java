/**
 * Losses: group losses (embeddings + group labels; PML's distance + miner + reducer composition) and pair losses
 * ({@link org.quaterion.loss.pair}); masks and numerics shared by all.
 */
package org.quaterion.loss;
