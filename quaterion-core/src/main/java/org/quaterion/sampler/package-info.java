/**
 * Batch samplers that shape batches for in-batch losses: P labels × K instances, category-balanced batches, and
 * batches without repeated records (for in-batch negatives).
 */
package org.quaterion.sampler;
