/** Miners: select informative pairs or triplets from a batch; indices only, no gradient. */
package org.quaterion.miner;
