/** Batch samplers that shape batches for in-batch mining: P labels × K instances, and category-balanced batches. */
package org.quaterion.sampler;
