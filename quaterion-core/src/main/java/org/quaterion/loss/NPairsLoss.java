package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code NPairsLoss} (Sohn 2016, "Improved Deep Metric Learning with Multi-class N-pair Loss Objective", NIPS):
 * one positive pair (a_k, p_k) per label, the first one in pair order (PML's {@code np.unique(…, return_index)});
 * then the cross-entropy of each anchor's similarities to all the selected positives, its own being the target:
 * {@code ℓ_k = −log softmax_j(s(a_k, p_j))[k]}; mean over the selected pairs. Defaults: PML's
 * {@code DotProductSimilarity}, which normalises (the cosine), i.e. {@code Distance.dotProduct().normalized()}; the
 * logits are minus the distance (a constant shift of the similarity for the cosine distance, which the softmax
 * ignores).
 *
 * <p>Mined tuples give the positive pairs (their mined negatives are not used: the negatives are the other labels'
 * positives, as in PML). Reference embeddings (a cross-batch memory) are refused, as PML refuses them.
 */
public final class NPairsLoss extends GroupLoss {

    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.dotProduct().normalized());
    /** The reducer of the per-pair losses. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<NPairsLoss> SPEC = ComponentSpec.of("n_pairs", NPairsLoss.class,
            NPairsLoss::new, DISTANCE, REDUCER);

    private NPairsLoss(Settings settings) {
        super(settings);
    }

    /** Creates the loss with PML's defaults (normalised dot product, mean over pairs). */
    public NPairsLoss() {
        this(SPEC.read(null));
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        if (!in.selfRef()) {
            throw new IllegalArgumentException("NPairsLoss cannot use reference embeddings (a cross-batch memory): its "
                    + "negatives are the batch's own positives; call forward without references");
        }
        IndexTuples.Pairs pairs = PairLists.of(in);
        if (pairs.a1().size() == 0) {
            return LossTerms.none();
        }
        NDArray first = firstPerLabel(in.labels().get(pairs.a1()));
        NDArray anchors = in.embeddings().get(pairs.a1().get(first));
        NDArray positives = in.embeddings().get(pairs.p().get(first));
        NDArray logits = distance().matrix(anchors, positives).neg();
        NDArray targets = in.labels().getManager().arange(0, first.size(), 1, DataType.INT64);
        return LossTerms.of(LossMath.crossEntropy(logits, targets));
    }

    /**
     * The position of the first occurrence of each distinct label, in ascending label order (numpy's
     * {@code unique(return_index=True)}): positions sorted by (label rank, position), then the first of each run.
     */
    private static NDArray firstPerLabel(NDArray labels) {
        long count = labels.size();
        NDList unique = labels.unique(true, true, true); // values, inverse (label rank per position), counts
        NDArray rank = unique.get(1).toType(DataType.INT64, false);
        NDArray positions = labels.getManager().arange(0, count, 1, DataType.INT64);
        NDArray order = Scalars.mul(rank, count).add(positions).argSort();
        NDArray sortedRank = rank.get(order);
        if (count == 1) {
            return order;
        }
        NDArray starts = sortedRank.get("1:").neq(sortedRank.get(":-1"));
        NDArray isFirst = NDArrays.concat(new NDList(labels.getManager().create(new boolean[] {true}), starts));
        return order.get(isFirst);
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link NPairsLoss}: the distance and reducer by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<NPairsLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
