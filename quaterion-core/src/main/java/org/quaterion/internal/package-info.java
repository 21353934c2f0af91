/**
 * Numerics shared by losses and miners (masks, log-sum-exp, input checks). Not part of the API: names and
 * signatures may change in any release. Kept apart so that {@code loss} and {@code miner} do not depend on each
 * other in a cycle.
 */
package org.quaterion.internal;
