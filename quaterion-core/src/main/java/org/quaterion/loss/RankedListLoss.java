package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.BatchedDistance;
import org.quaterion.distance.Distance;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code RankedListLoss} (Wang et al. 2019, arXiv 1903.03238). Per anchor i with distances d (the diagonal
 * set to 0), positives farther than {@code α − m} and negatives closer than α (both at a distance > 0) are weighted
 * by {@code w⁺ = e^{T_p(d − (α − m))}} and {@code w⁻ = e^{T_n(α − d)}}:
 * {@code L_P = Σ w⁺(d − (α − m)) / (Σ w⁺ + n·10⁻⁵)}, {@code L_N = Σ w⁻(α − d) / (Σ w⁻ + n·10⁻⁵)} (n the batch
 * size), {@code L_i = (1 − λ)·L_P + λ·L_N}; reduced over all anchors (Mean). The weights are not detached, as in
 * PML. Settings: margin m and T_n (required, as in PML), imbalance λ = 0.5, α = 1 + m/2 when not given, T_p = 0
 * (the paper's RLL-Simpler); normalised L2.
 *
 * <p>As in PML it takes neither mined tuples nor reference embeddings. The distance matrix is computed block by
 * block of anchors ({@link BatchedDistance}), since each anchor's loss needs its row only.
 */
public final class RankedListLoss extends GroupLoss {

    /** The margin m between the positive and the negative boundary. */
    public static final Setting<Double> MARGIN = Setting.requiredReal("margin", v -> v >= 0, "margin >= 0",
            "the margin m between the positive boundary α − m and the negative boundary α");
    /** The temperature of the negative weights. */
    public static final Setting<Double> TN = Setting.requiredReal("tn", v -> true, "a finite tn",
            "the temperature T_n of the negative weights e^{T_n(α − d)} (PML warns above 5: overflow)");
    /** The trade-off between the positive and the negative part. */
    public static final Setting<Double> IMBALANCE = Setting.real("imbalance", 0.5, v -> v >= 0 && v <= 1,
            "0 <= imbalance <= 1", "the weight λ of the negative part (1 − λ for the positive part)");
    /** The negative boundary α. */
    public static final Setting<Double> ALPHA = Setting.optionalReal("alpha",
            "the negative boundary α (negatives closer than it cost); null for 1 + margin/2");
    /** The temperature of the positive weights. */
    public static final Setting<Double> TP = Setting.real("tp", 0, "the temperature T_p of the positive weights "
            + "e^{T_p(d − (α − m))} (0: uniform, RLL-Simpler)");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The reducer of the per-anchor losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<RankedListLoss> SPEC = ComponentSpec.of("ranked_list", RankedListLoss.class,
            RankedListLoss::new, MARGIN, TN, IMBALANCE, ALPHA, TP, DISTANCE, REDUCER);

    /** Anchors per block of the distance matrix: a typical batch is one block. */
    static final int BLOCK_ROWS = 1024;
    /** PML's constant added to each weight in the denominators. */
    private static final double WEIGHT_EPS = 1e-5;

    private final double margin;
    private final double tn;
    private final double imbalance;
    private final double alpha;
    private final double tp;

    private RankedListLoss(Settings settings) {
        super(settings);
        this.margin = settings.get(MARGIN);
        this.tn = settings.get(TN);
        this.imbalance = settings.get(IMBALANCE);
        Double a = settings.get(ALPHA);
        this.alpha = a != null ? a : 1 + margin / 2;
        this.tp = settings.get(TP);
    }

    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "it ranks every positive and negative of each anchor (PML does not support indices_tuple for it)";
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        return LossTerms.of(perAnchor(in, BLOCK_ROWS));
    }

    /**
     * The per-anchor losses, computed {@code blockRows} anchors at a time.
     *
     * @param in the inputs
     * @param blockRows anchors per block
     * @return {@code (n)} losses
     */
    NDArray perAnchor(LossInputs in, int blockRows) {
        BatchOnly.require(in, name());
        NDArray labels = in.labels();
        NDManager manager = labels.getManager();
        long n = labels.size();
        double posBoundary = alpha - margin;
        return new BatchedDistance(distance(), blockRows).mapBlocks(in.embeddings(), null, (block, start, end) -> {
            NDArray rowLabels = labels.get(new NDIndex("{}:{}", start, end));
            NDArray self = manager.arange((int) start, (int) end, 1, DataType.INT64).expandDims(1)
                    .eq(manager.arange(0, (int) n, 1, DataType.INT64).expandDims(0));
            NDArray same = rowLabels.expandDims(1).eq(labels.expandDims(0));
            NDArray mat = NDArrays.where(self, block.zerosLike(), block); // PML: mat − mat·I
            NDArray away = mat.gt(0);
            NDArray pos = same.logicalAnd(self.logicalNot()).logicalAnd(mat.gt(posBoundary)).logicalAnd(away);
            NDArray neg = same.logicalNot().logicalAnd(mat.lt(alpha)).logicalAnd(away);
            NDArray posGap = mat.sub(posBoundary);
            NDArray negGap = mat.neg().add(alpha);
            NDArray lossP = weightedMean(posGap, pos, tp, n);
            NDArray lossN = weightedMean(negGap, neg, tn, n);
            return Scalars.mul(lossP, 1 - imbalance).add(Scalars.mul(lossN, imbalance));
        });
    }

    /**
     * {@code Σ_j w_j·gap_j / (Σ_j w_j + n·10⁻⁵)} over the masked entries of each row, {@code w = e^{T·gap}}; the
     * exponent of an entry outside the mask is 0, so that no overflow there can reach the gradient.
     */
    private static NDArray weightedMean(NDArray gap, NDArray mask, double temperature, long n) {
        NDArray zero = gap.zerosLike();
        NDArray w = NDArrays.where(mask, Scalars.mul(NDArrays.where(mask, gap, zero), temperature).exp(), zero);
        NDArray num = w.mul(gap).sum(new int[] {1});
        return num.div(w.sum(new int[] {1}).add(n * WEIGHT_EPS));
    }

    /**
     * A builder that starts from the reference defaults; margin and tn must be set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RankedListLoss}: margin and tn required, PML's defaults for the rest. */
    public static final class Builder extends LossBuilder<RankedListLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link RankedListLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder setMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link RankedListLoss#TN}.
         *
         * @param tn the value
         * @return this builder
         */
        public Builder setTn(double tn) {
            return set(TN, tn);
        }

        /**
         * Sets {@link RankedListLoss#IMBALANCE}.
         *
         * @param imbalance the value
         * @return this builder
         */
        public Builder optImbalance(double imbalance) {
            return set(IMBALANCE, imbalance);
        }

        /**
         * Sets {@link RankedListLoss#ALPHA}.
         *
         * @param alpha the value, or null for 1 + margin/2
         * @return this builder
         */
        public Builder optAlpha(Double alpha) {
            return set(ALPHA, alpha);
        }

        /**
         * Sets {@link RankedListLoss#TP}.
         *
         * @param tp the value
         * @return this builder
         */
        public Builder optTp(double tp) {
            return set(TP, tp);
        }
    }
}
