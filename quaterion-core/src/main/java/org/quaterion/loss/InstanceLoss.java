package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import java.util.TreeMap;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code InstanceLoss} (Zheng et al., "Dual-Path Convolutional Image-Text Embeddings with Instance Loss", ACM
 * TOMM 2020, arXiv 1711.05535): the cosine similarities of the batch with itself, times γ, are the logits of a
 * cross-entropy per row, {@code L_i = −log softmax_j(γ·cos(x_i, x_j))[c_i]}, reduced over the rows (Mean). As in
 * PML the target {@code c_i} is the rank of row i's label among the batch's distinct labels in increasing order
 * (torch's {@code unique(return_inverse=True)}), used as a column of the {@code (n, n)} logits: with labels
 * {@code 0 … n−1} in row order (every sample its own instance) it is the row itself. Default γ = 64.
 *
 * <p>The distance is cosine and fixed (PML asserts {@code CosineSimilarity}); no mined tuples and no reference
 * embeddings, as in PML.
 */
public final class InstanceLoss extends GroupLoss {

    /** The scale γ of the cosine logits. */
    public static final Setting<Double> GAMMA = Setting.real("gamma", 64, v -> v > 0, "gamma > 0",
            "the scale γ of the cosine logits");
    /** The reducer of the per-row losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<InstanceLoss> SPEC = ComponentSpec.of("instance", InstanceLoss.class,
            InstanceLoss::new, GAMMA, REDUCER);

    private final double gamma;

    private InstanceLoss(Settings settings) {
        super(settings);
        this.gamma = settings.get(GAMMA);
    }

    /** Creates the loss with PML's defaults (γ 64, Mean). */
    public InstanceLoss() {
        this(SPEC.read(null));
    }

    /**
     * Cosine, fixed (not a setting).
     *
     * @return the distance
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "it classifies every row of the batch (PML does not support indices_tuple for it)";
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        BatchOnly.require(in, name());
        NDArray logits = Scalars.mul(in.similarities(distance()), gamma);
        return LossTerms.of(LossMath.crossEntropy(logits, labelRanks(in.labels())));
    }

    /** The rank of each label among the distinct labels in increasing order (n small integers, on the host). */
    private static NDArray labelRanks(NDArray labels) {
        long[] values = labels.toLongArray();
        TreeMap<Long, Long> rank = new TreeMap<>();
        for (long v : values) {
            rank.put(v, 0L);
        }
        long next = 0;
        for (Long key : rank.keySet()) {
            rank.put(key, next++);
        }
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = rank.get(values[i]);
        }
        return labels.getManager().create(out);
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link InstanceLoss}: each setting by name, PML's defaults for the rest. */
    public static final class Builder extends LossBuilder<InstanceLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link InstanceLoss#GAMMA}.
         *
         * @param gamma the value
         * @return this builder
         */
        public Builder optGamma(double gamma) {
            return set(GAMMA, gamma);
        }
    }
}
