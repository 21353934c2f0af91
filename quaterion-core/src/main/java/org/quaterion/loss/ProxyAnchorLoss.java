package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.initializer.XavierInitializer;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.DivisorReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Proxy Anchor (Kim et al. 2020, arXiv 2003.13911) as PML's {@code ProxyAnchorLoss}: with cosine s(x, c) to the
 * proxies, {@code pos_c = log(1 + Σ_{x: y_x = c} e^{−α(s − δ)})}, {@code neg_c = log(1 + Σ_{x: y_x ≠ c}
 * e^{α(s + δ)})}; loss {@code Σ_c pos_c / |P⁺| + Σ_c neg_c / C} where P⁺ are the proxies with a positive in the
 * batch (PML's {@link DivisorReducer}, the default). Any other reducer reduces the parts {@code pos_loss} and
 * {@code neg_loss} (one term per class) apart, as PML does; {@code class_weighted} weights class c's terms by
 * {@code w[c]}. Defaults δ = 0.1, α = 32. Proxies are {@code (C, D)}.
 */
public final class ProxyAnchorLoss extends ClassWeightLoss {

    /** The margin δ. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.1, v -> v >= 0, "margin >= 0",
            "the margin δ");
    /** The scale α. */
    public static final Setting<Double> ALPHA = Setting.real("alpha", 32, v -> v > 0, "alpha > 0", "the scale α");
    /** The reducer, PML's default: {@link DivisorReducer}. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new DivisorReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ProxyAnchorLoss> SPEC = ComponentSpec.of("proxy_anchor", ProxyAnchorLoss.class, ProxyAnchorLoss::new,
            NUM_CLASSES, EMBEDDING_SIZE, MARGIN, ALPHA, REDUCER);

    private final double margin;
    private final double alpha;

    private ProxyAnchorLoss(Settings settings) {
        super(settings, "proxies", new XavierInitializer());
        this.margin = settings.get(MARGIN);
        this.alpha = settings.get(ALPHA);
    }

    /** {@inheritDoc} PML's default: each part's sum over its stated divisor. */
    @Override
    protected Reducer defaultReducer() {
        return new DivisorReducer();
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray proxies) {
        NDArray cos = cosines(in.embeddings(), proxies);
        NDArray pos = in.labels().oneHot(numClasses()).gt(0);
        NDArray neg = pos.logicalNot();
        NDArray posExp = Scalars.mul(cos.neg().add(margin), alpha);
        NDArray negExp = Scalars.mul(cos.add(margin), alpha);
        if (in.tuples() != null) { // PML: the miner weights w enter every exponent as w - 1
            NDArray offsets = minerWeights(in, cos.getDataType()).sub(1).expandDims(1);
            posExp = posExp.add(offsets);
            negExp = negExp.add(offsets);
        }
        NDArray posTerm = LossMath.logSumExp(posExp, pos, true, 0).reshape(-1);
        NDArray negTerm = LossMath.logSumExp(negExp, neg, true, 0).reshape(-1);
        NDArray withPos = Masks.any(pos, 0).toType(DataType.INT64, false).sum();
        NDArray classes = in.labels().getManager().create((long) numClasses());
        return LossTerms.sum(LossTerms.perClass("pos_loss", posTerm).withDivisor(withPos),
                LossTerms.perClass("neg_loss", negTerm).withDivisor(classes));
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ProxyAnchorLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<ProxyAnchorLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link ProxyAnchorLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link ProxyAnchorLoss#ALPHA}.
         *
         * @param alpha the value
         * @return this builder
         */
        public Builder optAlpha(double alpha) {
            return set(ALPHA, alpha);
        }
    }
}
