package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.SplittableRandom;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;
import org.quaterion.state.ComponentState;
import org.quaterion.state.Stateful;

/**
 * PML's {@code UniformHistogramMiner}: the distances of the positive pairs are split into {@code num_bins} equal
 * bins between their minimum and maximum (bin i is {@code [e_i, e_{i+1})}, the last one closed), and from every
 * non-empty bin {@code pos_per_bin} pairs are drawn uniformly with replacement; the same for the negative pairs with
 * {@code neg_per_bin}. The pairs come bin by bin, lowest distances first. Defaults (PML's): 100 bins, 10 and 10, L2
 * on normalised embeddings. The last edge is the largest distance itself (torch's {@code linspace} can leave PML's a
 * few ulps below it, and the largest pair then lands in no bin). A pair drawn twice appears twice: losses that take
 * pairs as masks count it once, where PML counts it twice (docs/losses.md, "Miners").
 *
 * <p>Draws come from the miner's own seeded stream (see {@link #SEED}), not from libtorch's generator, so a seeded
 * miner gives the same pairs on every device; the call count is checkpointed ({@link Stateful}).
 */
public final class UniformHistogramMiner extends DeclaredMiner implements Stateful {

    /** The number of bins per side. */
    public static final Setting<Integer> NUM_BINS = Setting.integer("num_bins", 100, v -> v >= 1, "num_bins >= 1",
            "equal-width bins between the smallest and the largest distance of each side");
    /** Positive pairs drawn per non-empty bin. */
    public static final Setting<Integer> POS_PER_BIN = Setting.integer("pos_per_bin", 10, v -> v >= 1,
            "pos_per_bin >= 1", "positive pairs drawn (with replacement) from each non-empty bin");
    /** Negative pairs drawn per non-empty bin. */
    public static final Setting<Integer> NEG_PER_BIN = Setting.integer("neg_per_bin", 10, v -> v >= 1,
            "neg_per_bin >= 1", "negative pairs drawn (with replacement) from each non-empty bin");
    /** The seed of the miner's draws. */
    public static final Setting<Integer> SEED = SamplingStream.SEED;
    /** The distance to mine with. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The declaration. */
    public static final ComponentSpec<UniformHistogramMiner> SPEC = ComponentSpec.of("uniform_histogram",
            UniformHistogramMiner.class, UniformHistogramMiner::new, NUM_BINS, POS_PER_BIN, NEG_PER_BIN, SEED,
            DISTANCE);

    private final int numBins;
    private final int posPerBin;
    private final int negPerBin;
    private final Distance distance;
    private final SamplingStream stream;

    /** Creates the miner with PML's defaults (100 bins, 10 positive and 10 negative pairs each) and seed 0. */
    public UniformHistogramMiner() {
        this(SPEC.read(null));
    }

    private UniformHistogramMiner(Settings settings) {
        super(settings);
        this.numBins = settings.get(NUM_BINS);
        this.posPerBin = settings.get(POS_PER_BIN);
        this.negPerBin = settings.get(NEG_PER_BIN);
        this.distance = settings.get(DISTANCE);
        this.stream = new SamplingStream(settings.get(SEED));
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link UniformHistogramMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<UniformHistogramMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #NUM_BINS}.
         *
         * @param bins the value
         * @return this builder
         */
        public Builder optNumBins(int bins) {
            return set(NUM_BINS, bins);
        }

        /**
         * Sets {@link #POS_PER_BIN}.
         *
         * @param count the value
         * @return this builder
         */
        public Builder optPosPerBin(int count) {
            return set(POS_PER_BIN, count);
        }

        /**
         * Sets {@link #NEG_PER_BIN}.
         *
         * @param count the value
         * @return this builder
         */
        public Builder optNegPerBin(int count) {
            return set(NEG_PER_BIN, count);
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
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        IndexTuples.Pairs all = IndexTuples.pairsFromMasks(ctx.positives(), ctx.negatives());
        SplittableRandom random = stream.next();
        NDArray[] pos = draw(ctx.distances(), all.a1(), all.p(), posPerBin, random);
        NDArray[] neg = draw(ctx.distances(), all.a2(), all.n(), negPerBin, random);
        return new IndexTuples.Pairs(pos[0], pos[1], neg[0], neg[1]);
    }

    /** {@code perBin} pairs drawn uniformly from each non-empty bin, bin by bin. */
    private NDArray[] draw(NDArray mat, NDArray anchors, NDArray others, int perBin, SplittableRandom random) {
        long count = anchors.size();
        if (count == 0) {
            return new NDArray[] {anchors, others};
        }
        NDArray values = LossMath.pick(mat, anchors, others).toType(DataType.FLOAT64, false);
        NDArray bins = binOf(values, edges(values.min().getDouble(), values.max().getDouble(), numBins));
        NDManager manager = values.getManager();
        // pairs ordered by (bin, position): a unique key, so the order is the same on every device
        NDArray order = Scalars.mul(bins, count).add(manager.arange(0, (int) count, 1, DataType.INT64)).argSort();
        NDArray sorted = bins.get(order);
        NDArray changes = sorted.get("1:").neq(sorted.get(":-1")).nonzero().squeeze(1).add(1);
        NDArray starts = NDArrays.concat(new ai.djl.ndarray.NDList(manager.zeros(new ai.djl.ndarray.types.Shape(1),
                DataType.INT64), changes));
        NDArray ends = NDArrays.concat(new ai.djl.ndarray.NDList(changes, manager.create(new long[] {count})));
        NDArray sizes = ends.sub(starts).toType(DataType.FLOAT64, false).expandDims(1);
        long filled = starts.size();
        NDArray u = SamplingStream.uniform(random, manager, filled * perBin).reshape(filled, perBin);
        NDArray offsets = u.mul(sizes).floor().minimum(sizes.sub(1)).toType(DataType.INT64, false);
        NDArray picked = order.get(offsets.add(starts.expandDims(1)).reshape(-1));
        return new NDArray[] {anchors.get(picked), others.get(picked)};
    }

    /**
     * The bin edges between the smallest and the largest distance, as {@code torch.linspace} computes them (the
     * first half from the start, the second half back from the end), so the edges are PML's.
     *
     * @param min the smallest distance
     * @param max the largest distance
     * @param bins the number of bins
     * @return {@code bins + 1} edges
     */
    static double[] edges(double min, double max, int bins) {
        int steps = bins + 1;
        double step = (max - min) / bins;
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = i < steps / 2 ? min + step * i : max - step * (steps - i - 1);
        }
        return out;
    }

    /**
     * The bin of each distance: bin i holds {@code e_i ≤ d < e_{i+1}}, the last one also {@code d = e_last}; with
     * all distances equal every edge is that distance and everything lands in the last bin, as in PML.
     *
     * @param values FLOAT64 distances within {@code [edges[0], edges[bins]]}
     * @param edges the edges
     * @return INT64 bins
     */
    static NDArray binOf(NDArray values, double[] edges) {
        int bins = edges.length - 1;
        NDManager manager = values.getManager();
        if (edges[bins] == edges[0]) {
            return manager.full(values.getShape(), bins - 1, DataType.INT64);
        }
        // the arithmetic guess is off by at most one next to an edge; one comparison each way settles it
        NDArray guess = Scalars.div(values.sub(edges[0]), (edges[bins] - edges[0]) / bins).floor()
                .clip(0, bins - 1).toType(DataType.INT64, false);
        NDArray e = manager.create(edges);
        NDArray below = values.lt(e.get(guess)).toType(DataType.INT64, false);
        NDArray above = values.gte(e.get(guess.add(1))).logicalAnd(guess.lt(bins - 1)).toType(DataType.INT64, false);
        return guess.sub(below).add(above);
    }

    @Override
    public ComponentState saveState(NDManager manager) {
        return stream.save();
    }

    @Override
    public void loadState(ComponentState state) {
        stream.load(state, "UniformHistogramMiner");
    }
}
