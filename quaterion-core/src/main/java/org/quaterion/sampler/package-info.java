/**
 * Batch samplers that shape batches for in-batch losses: P labels × K instances, category-balanced batches (with
 * labels cycled without repetition in {@link org.quaterion.sampler.DistinctCategoryBalanceSampler}), and batches
 * without repeated records (for in-batch negatives).
 */
package org.quaterion.sampler;
