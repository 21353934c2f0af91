package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code MultiSimilarityMiner}: keeps a negative pair (a, n) if {@code d_an − ε < max_p d_ap} and a positive
 * pair (a, p) if {@code d_ap + ε > min_n d_an} (with cosine, the same as PML's {@code s_an + ε > min_p s_ap} and
 * {@code s_ap − ε < max_n s_an}). Default distance: cosine. The pairs are listed as PML lists them: by anchor row,
 * and within a row by ascending similarity (cosine, dot product) or ascending distance (the others).
 */
public final class MultiSimilarityMiner extends DeclaredMiner {

    /** The slack ε. */
    public static final Setting<Double> EPSILON = Setting.real("epsilon", 0.1, v -> v >= 0, "epsilon >= 0",
            "the slack ε");
    /** The distance to mine with. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The declaration. */
    public static final ComponentSpec<MultiSimilarityMiner> SPEC = ComponentSpec.of("multi_similarity",
            MultiSimilarityMiner.class, MultiSimilarityMiner::new, EPSILON, DISTANCE);

    private final double epsilon;
    private final Distance distance;

    /** Creates the miner with PML's defaults (ε 0.1, cosine). */
    public MultiSimilarityMiner() {
        this(SPEC.read(null));
    }

    private MultiSimilarityMiner(Settings settings) {
        super(settings);
        this.epsilon = settings.get(EPSILON);
        this.distance = settings.get(DISTANCE);
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MultiSimilarityMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<MultiSimilarityMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #EPSILON}.
         *
         * @param epsilon the value
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            return set(EPSILON, epsilon);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives();
        NDArray neg = ctx.negatives();
        double inf = Double.POSITIVE_INFINITY;
        NDArray maxPos = NDArrays.where(pos, mat, Scalars.of(mat, -inf)).max(new int[] {1}, true);
        NDArray minNeg = NDArrays.where(neg, mat, Scalars.of(mat, inf)).min(new int[] {1}, true);
        NDArray hardPos = pos.logicalAnd(mat.add(epsilon).gt(minNeg));
        NDArray hardNeg = neg.logicalAnd(mat.sub(epsilon).lt(maxPos));
        boolean similarity = distance.kind() == Distance.Kind.COSINE || distance.kind() == Distance.Kind.DOT_PRODUCT;
        NDArray key = similarity ? mat.neg() : mat; // PML sorts similarities, or distances, ascending
        NDArray[] positives = sortedPairs(hardPos, key);
        NDArray[] negatives = sortedPairs(hardNeg, key);
        return new IndexTuples.Pairs(positives[0], positives[1], negatives[0], negatives[1], hardPos, hardNeg);
    }

    /**
     * The pairs of a mask in PML's order: by row, and within a row by ascending key (PML lists the pairs it keeps
     * in the order of its per-row sort, which losses that take the first pair of a label, NPairsLoss, depend on).
     *
     * @param mask boolean {@code (n, m)} pairs kept
     * @param key {@code (n, m)} sort key
     * @return {@code {rows, cols}}, INT64
     */
    private static NDArray[] sortedPairs(NDArray mask, NDArray key) {
        NDArray order = NDArrays.where(mask, key, Scalars.of(key, Double.POSITIVE_INFINITY)).argSort(1, true);
        NDArray kept = mask.toType(DataType.INT32, false).gather(order, 1).gt(0).nonzero();
        if (kept.getShape().get(0) == 0) {
            NDArray empty = mask.getManager().create(new long[0]);
            return new NDArray[] {empty, empty.duplicate()};
        }
        NDArray rows = kept.get(":, 0").toType(DataType.INT64, false);
        NDArray positions = kept.get(":, 1").toType(DataType.INT64, false);
        return new NDArray[] {rows, LossMath.pick(order, rows, positions)};
    }
}
