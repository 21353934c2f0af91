package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import org.quaterion.distance.Distance;
import org.quaterion.internal.Masks;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

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

    /** The margin m. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.5, v -> v >= 0, "margin >= 0",
            "the margin m of [m − D]_+");
    /** Which pairs count. */
    public static final Setting<Mining> MINING = Setting.choice("mining", Mining.HARD, "internal mining");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.cosine().scaled(0.5));
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<OnlineContrastiveLoss> SPEC = ComponentSpec.of("online_contrastive", OnlineContrastiveLoss.class, OnlineContrastiveLoss::new,
            MARGIN, MINING, DISTANCE);

    /** How pairs are chosen. */
    public enum Mining {
        /** All pairs. */
        ALL,
        /** Hardest positive and hardest negative per anchor. */
        HARD
    }

    private final double margin;
    private final Mining mining;

    private OnlineContrastiveLoss(Settings settings) {
        super(settings);
        this.margin = settings.get(MARGIN);
        this.mining = settings.get(MINING);
    }

    /** Creates the loss with Quaterion's defaults (0.5, cosine matrix scale, HARD). */
    public OnlineContrastiveLoss() {
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
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link OnlineContrastiveLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<OnlineContrastiveLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link OnlineContrastiveLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link OnlineContrastiveLoss#MINING}.
         *
         * @param mining the value
         * @return this builder
         */
        public Builder optMining(Mining mining) {
            return set(MINING, mining);
        }
    }
}
