package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import com.google.gson.JsonObject;
import java.util.Locale;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;

/**
 * Quaterion's {@code OnlineContrastiveLoss}, with its self-pair bug fixed: D = {@code distance.matrix}, positives
 * same group and {@code i ≠ j}, negatives different group (never the diagonal).
 * <ul>
 *   <li>ALL: {@code pos = mean_{positives} D}, {@code neg = mean_{negatives} [m − D]_+};</li>
 *   <li>HARD: {@code hp_i = max_p D_ip}, {@code pos = Σ hp / #(hp ≠ 0)}; {@code hn_i = min_n D_in},
 *       {@code neg = mean_{anchors with negatives} [m − hn_i]_+};</li>
 * </ul>
 * loss {@code 0.5·(pos + neg)}. <b>Fixed</b>: Quaterion counts the self pair (distance 0) as a negative, so in HARD
 * mode every hardest negative is the anchor itself and the negative term is a constant m; in ALL mode every row
 * gains a constant term. Quaterion's cosine is {@code Distance.cosine().scaled(0.5)} (the default).
 */
public final class OnlineContrastiveLoss extends GroupLoss {

    /** How pairs are chosen. */
    public enum Mining {
        /** All pairs. */
        ALL,
        /** Hardest positive and hardest negative per anchor. */
        HARD
    }

    private final double margin;
    private final Mining mining;

    /**
     * Creates the loss.
     *
     * @param margin the negative margin m (default 0.5)
     * @param distance the distance
     * @param mining the mining strategy (default HARD)
     */
    private OnlineContrastiveLoss(double margin, Distance distance, Mining mining) {
        super(distance, null);
        Args.atLeast("OnlineContrastiveLoss", "margin", margin, 0);
        this.margin = margin;
        this.mining = mining;
    }

    /** Creates the loss with Quaterion's defaults (0.5, cosine matrix scale, HARD). */
    public OnlineContrastiveLoss() {
        this(0.5, null, Mining.HARD);
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

    @Override
    protected LossTerms compute(LossInputs in) {
        NDArray mat = in.distances(distance());
        PairMasks masks = PairMasks.of(in);
        NDArray pos = masks.positives();
        NDArray neg = masks.negatives();
        NDArray posTerm;
        NDArray negTerm;
        if (mining == Mining.ALL) {
            posTerm = mean(mat.booleanMask(pos), in.zero());
            negTerm = mean(Activation.relu(mat.neg().add(margin)).booleanMask(neg), in.zero());
        } else {
            NDArray hp = NDArrays.where(pos, mat, mat.zerosLike()).max(new int[] {1});
            double nonZero = hp.stopGradient().neq(0).toType(DataType.FLOAT64, false).sum().getDouble();
            posTerm = nonZero > 0 ? Scalars.div(hp.sum(), nonZero) : in.zero();
            NDArray hasNeg = Masks.rowCounts(neg).gt(0);
            NDArray hn = NDArrays.where(neg, mat, Scalars.of(mat, Double.POSITIVE_INFINITY)).min(new int[] {1});
            NDArray safeHn = NDArrays.where(hasNeg, hn, Scalars.of(hn, margin));
            negTerm = mean(Activation.relu(safeHn.neg().add(margin)).booleanMask(hasNeg), in.zero());
        }
        return LossTerms.alreadyReduced(Scalars.mul(posTerm.add(negTerm), 0.5));
    }

    private static NDArray mean(NDArray x, NDArray zero) {
        return x.size() == 0 ? zero : x.mean();
    }

    /**
     * Quaterion's default: cosine distance scaled by ½, i.e. {@code (1 − cos) / 2}.
     *
     * @return the distance
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.cosine().scaled(0.5);
    }

    @Override
    public JsonObject config() {
        JsonObject json = super.config();
        json.addProperty("margin", margin);
        json.addProperty("mining", mining.name().toLowerCase(Locale.ROOT));
        return json;
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link OnlineContrastiveLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<OnlineContrastiveLoss, Builder> {
        private double margin = 0.5;
        private Mining mining = Mining.HARD;

        private Builder() {}

        /**
         * Sets the negative margin (default 0.5).
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets which pairs count (HARD or ALL) (default HARD).
         *
         * @param mining the value
         * @return this builder
         */
        public Builder optMining(Mining mining) {
            this.mining = mining;
            return this;
        }

        @Override
        protected OnlineContrastiveLoss create() {
            return new OnlineContrastiveLoss(margin, distance(), mining);
        }
    }
}
