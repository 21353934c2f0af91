package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Selectively contrastive triplet loss (Xuan et al., "Hard negative examples are hard, but useful", ECCV 2020,
 * arXiv 2007.12749, Eq. 8), PML 3's {@code SelectivelyContrastiveTripletLoss}: per triplet with similarities
 * {@code S_ap}, {@code S_an}, the loss is {@code λ·S_an} when the negative is more similar than the positive
 * ({@code S_an > S_ap}: only push the negative away) and the NCA-style
 * {@code −log(e^{S_ap/τ} / (e^{S_ap/τ} + e^{S_an/τ}))} otherwise. λ = 1, τ = 0.1, cosine; mean over all valid
 * triplets or the mined ones (the paper mines easy positives and hard negatives). All triplets are reduced in
 * anchor blocks without a B³ tensor. Written from the paper.
 */
public final class SelectivelyContrastiveTripletLoss extends GroupLoss {

    /** The temperature τ of the contrastive branch. */
    public static final Setting<Double> TEMPERATURE = Setting.real("temperature", 0.1, v -> v > 0,
            "temperature > 0", "the temperature τ of the contrastive branch");
    /** The weight λ of the hard-negative branch. */
    public static final Setting<Double> LAMBDA = Setting.real("lambda", 1.0, v -> v >= 0, "lambda >= 0",
            "the weight λ of S_an on triplets whose negative is harder than the positive");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine());
    /** The reducer of the per-triplet losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SelectivelyContrastiveTripletLoss> SPEC = ComponentSpec.of(
            "selectively_contrastive_triplet", SelectivelyContrastiveTripletLoss.class,
            SelectivelyContrastiveTripletLoss::new, TEMPERATURE, LAMBDA, DISTANCE, REDUCER);

    private final double temperature;
    private final double lambda;

    private SelectivelyContrastiveTripletLoss(Settings settings) {
        super(settings);
        this.temperature = settings.get(TEMPERATURE);
        this.lambda = settings.get(LAMBDA);
    }

    /** Creates the loss with the paper's defaults (λ = 1, τ = 0.1, cosine, mean over triplets). */
    public SelectivelyContrastiveTripletLoss() {
        this(SPEC.read(null));
    }

    private NDArray perTriplet(NDArray sap, NDArray san) {
        NDArray contrast = LossMath.softplus(Scalars.div(san.sub(sap), temperature));
        return NDArrays.where(san.gt(sap), Scalars.mul(san, lambda).add(sap.zerosLike()), contrast);
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray s = in.similarities(distance());
        if (in.tuples() == null) {
            NDArray pos = Masks.positives(in.labels(), in.refLabels(), in.selfRef());
            NDArray neg = Masks.negatives(in.labels(), in.refLabels());
            return LossTerms.reducedWith(reducer(), TripletBlocks.reduce(s, pos, neg, this::perTriplet, reducer(),
                    in.zero()));
        }
        IndexTuples.Triplets t = in.tuples().toTriplets();
        if (t.size() == 0) {
            return LossTerms.none();
        }
        return LossTerms.of(perTriplet(LossMath.pick(s, t.a(), t.p()), LossMath.pick(s, t.a(), t.n())));
    }

    /** True: this loss computes from the distance matrix alone ({@link GroupLoss#forwardMatrix}). */
    @Override
    public boolean acceptsDistanceMatrix() {
        return true;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SelectivelyContrastiveTripletLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<SelectivelyContrastiveTripletLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link SelectivelyContrastiveTripletLoss#TEMPERATURE}.
         *
         * @param temperature the value
         * @return this builder
         */
        public Builder optTemperature(double temperature) {
            return set(TEMPERATURE, temperature);
        }

        /**
         * Sets {@link SelectivelyContrastiveTripletLoss#LAMBDA}.
         *
         * @param lambda the value
         * @return this builder
         */
        public Builder optLambda(double lambda) {
            return set(LAMBDA, lambda);
        }
    }
}
