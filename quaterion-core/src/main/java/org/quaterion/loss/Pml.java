package org.quaterion.loss;

import org.quaterion.distance.Distance;

/**
 * pytorch-metric-learning's defaults by major version, for the components whose default changed in PML 3.0
 * (release 3.0.0rc3, "Changed defaults"). The library's own defaults are {@link #V2}'s (PML 2.8.1, which every
 * parity fixture of the PML 2 components checks); {@link #V3} is one call away:
 * {@code TripletMarginLoss.builder(Pml.V3)} or {@code new TripletMarginLoss(Pml.V3)}.
 *
 * <table>
 *   <caption>What differs</caption>
 *   <tr><th>default</th><th>V2 (2.8.1)</th><th>V3</th></tr>
 *   <tr><td>{@link TripletMarginLoss} margin</td><td>0.05</td><td>0.2 (FaceNet's, as {@code TripletMarginMiner})</td></tr>
 *   <tr><td>{@code DotProductSimilarity()}</td><td>normalises the embeddings: {@code dotProduct().normalized()}</td>
 *       <td>plain dot product: {@code dotProduct()}</td></tr>
 *   <tr><td>{@code MPerClassSampler}</td><td>a stream of indices</td><td>whole batches, as our
 *       {@link org.quaterion.sampler.BalanceSampler} always yields them (no switch needed)</td></tr>
 * </table>
 */
public enum Pml {
    /** pytorch-metric-learning 2.x (2.8.1): the library's defaults. */
    V2,
    /** pytorch-metric-learning 3.x. */
    V3;

    /**
     * {@code TripletMarginLoss}'s default margin.
     *
     * @return 0.05 (V2) or 0.2 (V3)
     */
    public double tripletMargin() {
        return this == V2 ? 0.05 : 0.2;
    }

    /**
     * {@code DotProductSimilarity()} with no arguments, as one of our distances (its similarity is the dot product).
     *
     * @return {@code dotProduct().normalized()} (V2) or {@code dotProduct()} (V3)
     */
    public Distance dotProductSimilarity() {
        return this == V2 ? Distance.dotProduct().normalized() : Distance.dotProduct();
    }
}
