package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import java.util.Locale;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.internal.PairBlocks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.ThresholdReducer;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Quaterion's {@code TripletLoss} with three mining strategies (D = {@code distance.matrix}):
 * <ul>
 *   <li>ALL: mean over triplets with loss &gt; 1e-16 of {@code [D_ap − D_an + m]_+};</li>
 *   <li>HARD (batch-hard, Quaterion's "vector collapse" variant): per anchor the hardest positive
 *       {@code hp = max_p D_ap} (0 without positives) and hardest negative {@code hn = min_n D_an}; loss
 *       {@code mean_i [(hp_i − hn_i) / max(mean(hn), 1e-12) + m]_+} (Quaterion divides by {@code mean(hn)}
 *       alone: NaN when all embeddings coincide), or {@code mean_i softplus(hp_i − hn_i)} when smooth; anchors
 *       without negatives are left out;</li>
 *   <li>SEMI_HARD, per anchor as the paper defines it (FaceNet, arXiv 1503.03832): for each positive pair the
 *       closest negative farther than the positive, else the farthest negative; loss mean over positive pairs of
 *       {@code [D_ap − D_an* + m]_+} (the choice is made without gradient in anchor blocks; memory O(B²)).
 *       <b>Fixed</b>: Quaterion pairs every positive distance of the batch with
 *       every negative distance, across anchors (and includes self pairs).</li>
 * </ul>
 * Quaterion's {@code distance_metric_name="cosine"} is {@code Distance.cosine().scaled(0.5)} here (its matrix
 * scale); the default is that distance. ALL and SEMI_HARD keep no O(B³) tensor.
 */
public final class TripletLoss extends GroupLoss {

    /** The margin m. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.5, v -> v >= 0, "margin >= 0",
            "the margin m");
    /** How triplets are chosen. */
    public static final Setting<Mining> MINING = Setting.choice("mining", Mining.HARD, "internal mining");
    /** Softplus instead of the hinge (HARD mining only; Quaterion's soft). */
    public static final Setting<Boolean> SMOOTH = Setting.flag("smooth", false,
            "softplus(hp − hn) instead of the hinge (mining hard only; Quaterion's soft)");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine().scaled(0.5));
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<TripletLoss> SPEC = ComponentSpec.of("triplet", TripletLoss.class, TripletLoss::new,
            MARGIN, MINING, SMOOTH, DISTANCE);

    /** How triplets are chosen. */
    public enum Mining {
        /** Every valid triplet. */
        ALL,
        /** Hardest positive and hardest negative per anchor. */
        HARD,
        /** Per positive pair, the closest negative beyond the positive. */
        SEMI_HARD
    }

    private final double margin;
    private final Mining mining;
    private final boolean smooth;

    private TripletLoss(Settings settings) {
        super(settings);
        if (settings.get(SMOOTH) && settings.get(MINING) != Mining.HARD) {
            throw new IllegalArgumentException("smooth=true applies to mining HARD only, got " + settings.get(MINING));
        }
        this.margin = settings.get(MARGIN);
        this.mining = settings.get(MINING);
        this.smooth = settings.get(SMOOTH);
    }

    /** Creates the loss with Quaterion's defaults: margin 0.5, cosine (matrix scale), HARD, not smooth. */
    public TripletLoss() {
        this(SPEC.read(null));
    }

    /**
     * As its reference, this loss defines its own reduction.
     *
     * @return {@link Reduction#ALREADY_REDUCED}
     */
    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    /** Quaterion's TripletLoss mines inside the loss ({@code mining}); it takes no external tuples. */
    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "it mines internally (mining = " + mining.name().toLowerCase(Locale.ROOT) + "); for a miner, use "
                + "TripletMarginLoss";
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        NDArray pos = Masks.positives(in.labels(), in.refLabels(), in.selfRef());
        NDArray neg = Masks.negatives(in.labels(), in.refLabels());
        return LossTerms.alreadyReduced(switch (mining) {
            case ALL -> TripletBlocks.reduceHinge(mat, pos, neg, margin, ThresholdReducer.of(1e-16, null),
                    in.zero());
            case HARD -> hard(mat, pos, neg, in);
            case SEMI_HARD -> semiHard(mat, pos, neg, in);
        });
    }

    private NDArray hard(NDArray mat, NDArray pos, NDArray neg, LossInputs in) {
        NDArray hasNeg = Masks.rowCounts(neg).gt(0);
        if (!hasNeg.any().getBoolean()) {
            return in.zero();
        }
        NDArray hp = NDArrays.where(pos, mat, mat.zerosLike()).max(new int[] {1});
        NDArray rowMax = mat.max(new int[] {1}, true);
        NDArray hn = NDArrays.where(neg, mat, mat.add(rowMax)).min(new int[] {1});
        hp = hp.booleanMask(hasNeg);
        hn = hn.booleanMask(hasNeg);
        NDArray losses = smooth ? LossMath.softplus(hp.sub(hn))
                : Activation.relu(hp.sub(hn).div(Scalars.max(hn.mean(), 1e-12)).add(margin));
        return losses.mean();
    }

    /**
     * Per positive pair (a, p), the closest negative farther than the positive, else the farthest negative. With the
     * negatives of each row sorted ascending, that is the negative of rank {@code min(r, k_a − 1)} where
     * {@code r = #{n : D_an ≤ D_ap}} and {@code k_a} is the row's number of negatives. The ranks are counted
     * without gradient in blocks of positive pairs (one comparison per triplet, memory O(block·m)); the loss then
     * gathers the chosen distances, so the graph is O(n·m).
     */
    private NDArray semiHard(NDArray mat, NDArray pos, NDArray neg, LossInputs in) {
        NDArray negCount = Masks.rowCounts(neg);
        NDArray[] pairs = PairBlocks.positivePairs(pos.logicalAnd(negCount.gt(0).expandDims(1)
                .broadcast(pos.getShape())));
        if (pairs == null) {
            return in.zero();
        }
        NDArray d = mat.stopGradient();
        NDArray negOnly = NDArrays.where(neg, d, Scalars.of(d, Double.POSITIVE_INFINITY));
        NDArray order = negOnly.argSort(1);
        NDList ranks = new NDList();
        PairBlocks.forEach(pairs, d.getShape().get(1), (a, p) -> {
            NDArray dap = LossMath.pick(d, a, p).expandDims(1);
            ranks.add(PairBlocks.survive(negOnly.get(a).lte(dap).toType(DataType.INT64, false)
                    .sum(new int[] {1})));
        });
        NDArray rank = ranks.size() == 1 ? ranks.head() : NDArrays.concat(ranks, 0);
        NDArray last = negCount.get(pairs[0]).sub(1);
        NDArray negIdx = LossMath.pick(order, pairs[0], NDArrays.where(rank.lt(last), rank, last));
        NDArray losses = Activation.relu(LossMath.pick(mat, pairs[0], pairs[1])
                .sub(LossMath.pick(mat, pairs[0], negIdx)).add(margin));
        return losses.mean();
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TripletLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<TripletLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link TripletLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link TripletLoss#MINING}.
         *
         * @param mining the value
         * @return this builder
         */
        public Builder optMining(Mining mining) {
            return set(MINING, mining);
        }

        /**
         * Sets {@link TripletLoss#SMOOTH}.
         *
         * @param smooth the value
         * @return this builder
         */
        public Builder optSmooth(boolean smooth) {
            return set(SMOOTH, smooth);
        }
    }
}
