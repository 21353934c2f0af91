package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.internal.PairBlocks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;

/**
 * PML's {@code DistanceWeightedMiner} (distance-weighted sampling, Wu et al. 2017): triplets whose negatives are
 * drawn with probability proportional to {@code 1/q(d)}, the inverse density of distances between points on the
 * unit sphere in {@code k} dimensions: {@code log w = (2 − k)·log d − ((k − 3)/2)·log(1 − d²/4)}, with {@code d}
 * the L2 distance of the normalised embeddings clamped below at {@code cutoff}, and {@code w = 0} for same-label
 * references, for {@code d ≥ nonzero_loss_cutoff} and where the formula is not finite. Each anchor with a positive
 * and a non-zero weight row gets as many triplets as the references sharing its label (PML's
 * {@code get_random_triplet_indices}), each with a positive drawn uniformly and a negative drawn from the weights.
 * The distance is fixed to normalised L2, as in PML. Triplets are drawn with replacement, so one may appear twice.
 *
 * <p>Draws come from the miner's own seeded stream (see {@link #SEED}), not from libtorch's generator, so a seeded
 * miner gives the same triplets on every device; the call count is checkpointed ({@link Stateful}).
 */
public final class DistanceWeightedMiner extends DeclaredMiner implements Stateful {

    /** Distances below it count as it. */
    public static final Setting<Double> CUTOFF = Setting.real("cutoff", 0.5, v -> v >= 0 && v < 2,
            "0 <= cutoff < 2", "distances below it count as it in the weights (bounds their variance)");
    /** Negatives this far or farther get weight 0. */
    public static final Setting<Double> NONZERO_LOSS_CUTOFF = Setting.real("nonzero_loss_cutoff", 1.4, v -> v > 0,
            "nonzero_loss_cutoff > 0", "negatives at this distance or farther are never drawn");
    /** The seed of the miner's draws. */
    public static final Setting<Integer> SEED = SamplingStream.SEED;
    /** The declaration. */
    public static final ComponentSpec<DistanceWeightedMiner> SPEC = ComponentSpec.of("distance_weighted",
            DistanceWeightedMiner.class, DistanceWeightedMiner::new, CUTOFF, NONZERO_LOSS_CUTOFF, SEED);

    private static final Distance DISTANCE = Distance.euclidean().normalized();

    private final double cutoff;
    private final double nonzeroLossCutoff;
    private final SamplingStream stream;

    /** Creates the miner with PML's defaults (cutoff 0.5, nonzero_loss_cutoff 1.4) and seed 0. */
    public DistanceWeightedMiner() {
        this(SPEC.read(null));
    }

    private DistanceWeightedMiner(Settings settings) {
        super(settings);
        this.cutoff = settings.get(CUTOFF);
        this.nonzeroLossCutoff = settings.get(NONZERO_LOSS_CUTOFF);
        this.stream = new SamplingStream(settings.get(SEED));
        if (nonzeroLossCutoff <= cutoff) {
            throw new IllegalArgumentException("DistanceWeightedMiner: nonzero_loss_cutoff (" + nonzeroLossCutoff
                    + ") must exceed cutoff (" + cutoff + "), else every distance is cut off and no negative is ever "
                    + "drawn");
        }
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DistanceWeightedMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<DistanceWeightedMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #CUTOFF}.
         *
         * @param cutoff the value
         * @return this builder
         */
        public Builder optCutoff(double cutoff) {
            return set(CUTOFF, cutoff);
        }

        /**
         * Sets {@link #NONZERO_LOSS_CUTOFF}.
         *
         * @param cutoff the value
         * @return this builder
         */
        public Builder optNonzeroLossCutoff(double cutoff) {
            return set(NONZERO_LOSS_CUTOFF, cutoff);
        }

        /**
         * Sets {@link #SEED}.
         *
         * @param seed the value
         * @return this builder
         */
        public Builder optSeed(int seed) {
            return set(SEED, seed);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        boolean selfRef = refEmbeddings == embeddings;
        NDArray w = weights(embeddings, labels, refEmbeddings, refLabels);
        NDArray pos = Masks.positives(labels, refLabels, selfRef);
        NDArray posCount = Masks.rowCounts(pos);
        NDArray usable = posCount.gt(0).logicalAnd(w.sum(new int[] {1}).gt(0));
        // an anchor gets one triplet per reference of its label (itself included), as PML draws them
        NDArray slots = labels.expandDims(1).eq(refLabels.expandDims(0)).logicalAnd(usable.expandDims(1)).nonzero();
        SplittableRandom random = stream.next();
        if (slots.getShape().get(0) == 0) {
            NDArray empty = labels.getManager().create(new long[0]);
            return new IndexTuples.Triplets(empty, empty, empty);
        }
        NDArray anchors = slots.get(":, 0").toType(DataType.INT64, false);
        NDManager manager = w.getManager();
        long t = anchors.size();
        NDArray counts = posCount.get(anchors).toType(DataType.FLOAT64, false);
        NDArray rank = SamplingStream.uniform(random, manager, t).mul(counts).floor().minimum(counts.sub(1));
        NDArray cdf = w.cumSum(1);
        NDArray target = SamplingStream.uniform(random, manager, t).mul(cdf.get(":, -1").get(anchors));
        NDArray cumPos = pos.toType(DataType.FLOAT64, false).cumSum(1);
        // a draw of u·total that rounds up to the total stops at the row's last drawable column
        long m = w.getShape().get(1);
        NDArray columns = manager.arange(1, (int) m + 1, 1, DataType.FLOAT64);
        NDArray lastDrawable = w.gt(0).toType(DataType.FLOAT64, false).mul(columns).max(new int[] {1}).sub(1)
                .toType(DataType.INT64, false);
        // inverse-CDF lookups on (triplet, m) rows, in blocks of PairBlocks.ELEMENTS
        NDList positives = new NDList();
        NDList negatives = new NDList();
        long block = Math.max(1, PairBlocks.ELEMENTS / Math.max(1, m));
        for (long start = 0; start < t; start += block) {
            try (NDScope scope = new NDScope()) {
                String range = start + ":" + Math.min(t, start + block);
                NDArray a = anchors.get(range);
                positives.add(PairBlocks.survive(firstReaching(cumPos.get(a), rank.get(range))));
                negatives.add(PairBlocks.survive(firstReaching(cdf.get(a), target.get(range))
                        .minimum(lastDrawable.get(a))));
            }
        }
        return new IndexTuples.Triplets(anchors, NDArrays.concat(positives), NDArrays.concat(negatives));
    }

    /** Per row, the first column whose cumulative value exceeds the row's target (inverse-CDF lookup). */
    private static NDArray firstReaching(NDArray cumulative, NDArray target) {
        return cumulative.lte(target.expandDims(1)).toType(DataType.INT64, false).sum(new int[] {1});
    }

    /**
     * The sampling weights of the negatives, each row summing to 1 (or all 0 when the anchor has no drawable
     * negative): the matrix PML hands to {@code get_random_triplet_indices}.
     *
     * @param embeddings {@code (n, k)} anchors
     * @param labels {@code (n)} labels
     * @param refEmbeddings {@code (m, k)} references (the same object for in-batch mining)
     * @param refLabels {@code (m)} labels
     * @return {@code (n, m)} FLOAT64 weights
     */
    NDArray weights(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(DISTANCE, embeddings, labels, refEmbeddings, refLabels);
        double k = embeddings.getShape().get(1);
        NDArray d = Scalars.max(ctx.distances().toType(DataType.FLOAT64, false), cutoff);
        NDArray logW = Scalars.mul(d.log(), 2 - k).sub(Scalars.mul(Scalars.mul(d.square(), -0.25).add(1).log(), (k - 3) / 2));
        NDArray drawable = ctx.negatives().logicalAnd(d.lt(nonzeroLossCutoff)).logicalAnd(logW.isNaN().logicalNot())
                .logicalAnd(logW.isInfinite().logicalNot());
        NDArray rowMax = NDArrays.where(drawable, logW, Scalars.of(logW, Double.NEGATIVE_INFINITY))
                .max(new int[] {1}, true);
        NDArray w = NDArrays.where(drawable, logW.sub(rowMax).exp(), Scalars.of(logW, 0));
        NDArray sum = w.sum(new int[] {1}, true);
        return w.div(NDArrays.where(sum.gt(0), sum, Scalars.of(sum, 1)));
    }

    @Override
    public ComponentState saveState(NDManager manager) {
        return stream.save();
    }

    @Override
    public void loadState(ComponentState state) {
        stream.load(state, "DistanceWeightedMiner");
    }
}
