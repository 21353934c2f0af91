package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * For each anchor, the farthest positive and the closest negative (PML {@code BatchHardMiner}); anchors lacking a
 * positive or a negative are dropped. Default distance: L2 on normalised embeddings (PML's default).
 */
public final class BatchHardMiner extends DeclaredMiner {

    /** The distance to mine with (PML default: L2 on normalised embeddings). */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The declaration. */
    public static final ComponentSpec<BatchHardMiner> SPEC = ComponentSpec.of("batch_hard", BatchHardMiner.class,
            BatchHardMiner::new, DISTANCE);

    private final Distance distance;

    /** Creates the miner with PML's default distance. */
    public BatchHardMiner() {
        this(SPEC.read(null));
    }

    private BatchHardMiner(Settings settings) {
        super(settings);
        this.distance = settings.get(DISTANCE);
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BatchHardMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<BatchHardMiner, Builder> {
        private Builder() {
            super(SPEC);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        MiningContext ctx = MiningContext.of(distance, embeddings, labels, refEmbeddings, refLabels);
        NDArray mat = ctx.distances();
        NDArray pos = ctx.positives();
        NDArray neg = ctx.negatives();
        double inf = Double.POSITIVE_INFINITY;
        NDArray posDist = NDArrays.where(pos, mat, Scalars.of(mat, -inf));
        NDArray negDist = NDArrays.where(neg, mat, Scalars.of(mat, inf));
        NDArray hardPos = posDist.argMax(1);
        NDArray hardNeg = negDist.argMin(1);
        NDArray keep = Masks.rowCounts(pos).gt(0).logicalAnd(Masks.rowCounts(neg).gt(0));
        NDArray anchors = keep.nonzero().squeeze(1);
        return new IndexTuples.Triplets(anchors, hardPos.get(anchors), hardNeg.get(anchors));
    }
}
