package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.internal.PairBlocks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * PML's {@code AngularMiner} (angular loss, Wang et al. 2017): the triplets whose angle at the negative,
 * {@code atan(‖x_a − x_p‖ / (2‖x_n − x_c‖))} with {@code x_c = (x_a + x_p)/2}, exceeds α. Computed on
 * L2-normalised embeddings, as PML's asserted normalised L2 distance intends (PML measures the angle on the raw
 * embeddings; see docs/losses.md, "Miners"). The distance is fixed, as in PML: there is no distance setting.
 * Computed over (positive pair) × reference in {@code PairBlocks}, never an {@code n·m·m} cube.
 */
public final class AngularMiner extends DeclaredMiner {

    /** The angle α in degrees. */
    public static final Setting<Double> ANGLE = Setting.real("angle", 20.0, v -> v >= 0 && v < 90,
            "0 <= angle < 90", "the angle α in degrees: triplets with a larger angle at the negative are kept");
    /** The declaration. */
    public static final ComponentSpec<AngularMiner> SPEC = ComponentSpec.of("angular", AngularMiner.class,
            AngularMiner::new, ANGLE);

    private static final Distance L2 = Distance.euclidean();

    private final double angle;

    /** Creates the miner with PML's default angle (20°). */
    public AngularMiner() {
        this(SPEC.read(null));
    }

    private AngularMiner(Settings settings) {
        super(settings);
        this.angle = Math.toRadians(settings.get(ANGLE));
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link AngularMiner}. */
    public static final class Builder extends DeclaredMiner.Builder<AngularMiner, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #ANGLE}.
         *
         * @param degrees the value
         * @return this builder
         */
        public Builder optAngle(double degrees) {
            return set(ANGLE, degrees);
        }
    }

    @Override
    public IndexTuples mine(NDArray embeddings, NDArray labels, NDArray refEmbeddings, NDArray refLabels) {
        boolean selfRef = refEmbeddings == embeddings;
        NDArray x = unit(embeddings);
        NDArray y = selfRef ? x : unit(refEmbeddings);
        NDArray neg = Masks.negatives(labels, refLabels);
        BlockTriplets triplets = new BlockTriplets();
        NDArray[] pairs = PairBlocks.positivePairs(Masks.positives(labels, refLabels, selfRef));
        if (pairs != null) {
            PairBlocks.forEach(pairs, y.getShape().get(0), (a, p) -> {
                NDArray xa = x.get(a);
                NDArray yp = y.get(p);
                NDArray ap = L2.rowwise(xa, yp);
                NDArray nc = L2.matrix(Scalars.div(xa.add(yp), 2), y);
                // atan(NaN) for a zero-size triangle (all three points equal) compares false: not kept
                NDArray angles = ap.expandDims(1).div(Scalars.mul(nc, 2)).atan();
                triplets.add(a, p, neg.get(a).logicalAnd(angles.gt(angle)));
            });
        }
        return triplets.result(labels);
    }

    private static NDArray unit(NDArray e) {
        return e.stopGradient().normalize(2, 1, 1e-12);
    }
}
