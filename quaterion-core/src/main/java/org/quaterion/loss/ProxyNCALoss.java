package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.training.initializer.NormalInitializer;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Proxy-NCA (Movshovitz-Attias et al. 2017, arXiv 1703.07464) as PML's {@code ProxyNCALoss}: NCA against one
 * proxy per class, with PML's default distance (squared L2 between the L2-normalised embedding and proxy):
 * {@code p_i = softmax_c(−s·‖x̂_i − p̂_c‖²)[y_i]}, loss {@code −log p_i}, mean over the samples with
 * {@code p_i > 0} (PML drops the ones whose probability underflows to 0). Default s = 1 ({@code softmax_scale});
 * proxies ~ N(0, 1). Mined tuples weigh each sample by how often it is an anchor (the references are the proxies).
 */
public final class ProxyNCALoss extends ClassWeightLoss {

    /** The softmax scale s. */
    public static final Setting<Double> SOFTMAX_SCALE = Setting.real("softmax_scale", 1, v -> v > 0,
            "softmax_scale > 0", "the scale s of the negative squared distances in the softmax");
    /** The reducer of the per-sample losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<ProxyNCALoss> SPEC = ComponentSpec.of("proxy_nca", ProxyNCALoss.class,
            ProxyNCALoss::new, NUM_CLASSES, EMBEDDING_SIZE, SOFTMAX_SCALE, REDUCER);

    private final double softmaxScale;

    private ProxyNCALoss(Settings settings) {
        super(settings, "proxies", new NormalInitializer(1f));
        this.softmaxScale = settings.get(SOFTMAX_SCALE);
    }

    @Override
    protected LossTerms computeWithWeights(LossInputs in, NDArray proxies) {
        NDArray x = in.embeddings().normalize(2, 1, 1e-12);
        NDArray p = proxies.normalize(2, 1, 1e-12);
        NDArray squared = x.square().sum(new int[] {1}, true).add(p.square().sum(new int[] {1}, true).transpose())
                .sub(Scalars.mul(x.matMul(p.transpose()), 2));
        NDArray prob = Scalars.mul(Scalars.max(squared, 0), -softmaxScale).softmax(1).mul(targets(in, squared))
                .sum(new int[] {1});
        NDArray counted = prob.gt(0);
        NDArray safe = NDArrays.where(counted, prob, prob.onesLike()); // no log(0) in the graph
        NDArray losses = safe.log().neg();
        if (in.tuples() != null) {
            losses = losses.mul(minerWeights(in, losses.getDataType(), true));
        }
        return LossTerms.masked(losses, counted);
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ProxyNCALoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends ClassWeightLoss.Builder<ProxyNCALoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link ProxyNCALoss#SOFTMAX_SCALE}.
         *
         * @param softmaxScale the value
         * @return this builder
         */
        public Builder optSoftmaxScale(double softmaxScale) {
            return set(SOFTMAX_SCALE, softmaxScale);
        }
    }
}
