package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code ThresholdConsistentMarginLoss} (Zhang et al. 2023, arXiv 2307.04047), a regulariser that makes one
 * similarity threshold fit every class: with cosine similarities s of the positive pairs P and the negative pairs N,
 * {@code L = λ⁺ · mean_{s ∈ P, s ≤ m⁺}(m⁺ − s) + λ⁻ · mean_{s ∈ N, s ≥ m⁻}(s − m⁻)}, an empty mean giving 0. The
 * pairs are all ordered pairs of the batch, or the mined ones (triplets give their (anchor, positive) and
 * (anchor, negative) pairs, repeats counted, as PML's {@code convert_to_pairs}). Defaults as PML:
 * {@code λ⁺ = λ⁻ = 1}, {@code m⁺ = 0.9}, {@code m⁻ = 0.5}.
 *
 * <p>Cosine is fixed (PML asserts {@code CosineSimilarity}); already reduced (PML's reduction); no reference
 * embeddings (PML would index the batch with the references' indices).
 */
public final class ThresholdConsistentMarginLoss extends GroupLoss {

    /** The weight of the positive part. */
    public static final Setting<Double> LAMBDA_PLUS = Setting.real("lambda_plus", 1, v -> v >= 0,
            "lambda_plus >= 0", "the weight λ⁺ of the positive part");
    /** The weight of the negative part. */
    public static final Setting<Double> LAMBDA_MINUS = Setting.real("lambda_minus", 1, v -> v >= 0,
            "lambda_minus >= 0", "the weight λ⁻ of the negative part");
    /** The positive margin. */
    public static final Setting<Double> MARGIN_PLUS = Setting.real("margin_plus", 0.9,
            "positive pairs less similar than this cost m⁺ − s");
    /** The negative margin. */
    public static final Setting<Double> MARGIN_MINUS = Setting.real("margin_minus", 0.5,
            "negative pairs more similar than this cost s − m⁻");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ThresholdConsistentMarginLoss> SPEC = ComponentSpec.of(
            "threshold_consistent_margin", ThresholdConsistentMarginLoss.class, ThresholdConsistentMarginLoss::new,
            LAMBDA_PLUS, LAMBDA_MINUS, MARGIN_PLUS, MARGIN_MINUS);

    private final double lambdaPlus;
    private final double lambdaMinus;
    private final double marginPlus;
    private final double marginMinus;

    private ThresholdConsistentMarginLoss(Settings settings) {
        super(settings);
        this.lambdaPlus = settings.get(LAMBDA_PLUS);
        this.lambdaMinus = settings.get(LAMBDA_MINUS);
        this.marginPlus = settings.get(MARGIN_PLUS);
        this.marginMinus = settings.get(MARGIN_MINUS);
    }

    /** Creates the loss with PML's defaults (1, 1, 0.9, 0.5). */
    public ThresholdConsistentMarginLoss() {
        this(SPEC.read(null));
    }

    @Override
    public Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
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
    protected LossTerms compute(LossInputs in) {
        BatchOnly.require(in, name());
        NDArray sim = in.similarities(distance());
        NDArray pos;
        NDArray neg;
        if (in.tuples() == null) {
            PairMasks masks = PairMasks.of(in);
            pos = sim.booleanMask(masks.positives());
            neg = sim.booleanMask(masks.negatives());
        } else {
            IndexTuples.Pairs pairs = in.tuples().toPairs();
            pos = LossMath.pick(sim, pairs.a1(), pairs.p());
            neg = LossMath.pick(sim, pairs.a2(), pairs.n());
        }
        NDArray posPart = marginMean(pos.neg().add(marginPlus), pos.lte(marginPlus));
        NDArray negPart = marginMean(neg.sub(marginMinus), neg.gte(marginMinus));
        return LossTerms.alreadyReduced(Scalars.mul(posPart, lambdaPlus).add(Scalars.mul(negPart, lambdaMinus))
                .add(in.zero()));
    }

    /** The mean of the gaps where active, 0 when none is. */
    private static NDArray marginMean(NDArray gaps, NDArray active) {
        NDArray a = active.toType(gaps.getDataType(), false);
        return gaps.mul(a).sum().div(Scalars.max(a.sum(), 1));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ThresholdConsistentMarginLoss}: each setting by name, PML's defaults for the rest. */
    public static final class Builder extends LossBuilder<ThresholdConsistentMarginLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link ThresholdConsistentMarginLoss#LAMBDA_PLUS}.
         *
         * @param lambdaPlus the value
         * @return this builder
         */
        public Builder optLambdaPlus(double lambdaPlus) {
            return set(LAMBDA_PLUS, lambdaPlus);
        }

        /**
         * Sets {@link ThresholdConsistentMarginLoss#LAMBDA_MINUS}.
         *
         * @param lambdaMinus the value
         * @return this builder
         */
        public Builder optLambdaMinus(double lambdaMinus) {
            return set(LAMBDA_MINUS, lambdaMinus);
        }

        /**
         * Sets {@link ThresholdConsistentMarginLoss#MARGIN_PLUS}.
         *
         * @param marginPlus the value
         * @return this builder
         */
        public Builder optMarginPlus(double marginPlus) {
            return set(MARGIN_PLUS, marginPlus);
        }

        /**
         * Sets {@link ThresholdConsistentMarginLoss#MARGIN_MINUS}.
         *
         * @param marginMinus the value
         * @return this builder
         */
        public Builder optMarginMinus(double marginMinus) {
            return set(MARGIN_MINUS, marginMinus);
        }
    }
}
