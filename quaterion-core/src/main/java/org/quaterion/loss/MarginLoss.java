package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.initializer.ConstantInitializer;
import org.quaterion.distance.Distance;
import org.quaterion.internal.LossMath;
import org.quaterion.internal.Masks;
import org.quaterion.miner.IndexTuples;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.reducer.DivisorReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Margin loss (Wu et al. 2017, "Sampling matters", arXiv 1706.07567) as PML's {@code MarginLoss}: per triplet
 * {@code [d_ap − β + α]_+ + [β − d_an + α]_+} (part {@code margin_loss}), reduced by the loss's reducer, plus
 * {@code ν·β} while β is trained (part {@code beta_reg_loss}, passed through every reducer). The default reducer is
 * PML's {@link DivisorReducer}: the sum over the number of non-zero positive terms plus non-zero negative terms,
 * computed over all triplets in O(B²) (each (a, p) term repeats once per negative of a and each (a, n) term once per
 * positive of a). Counting reducers (mean, sum, avg_non_zero, threshold) run block by block; {@code class_weighted}
 * holds the {@code (n, m, m)} triplet terms; {@code per_anchor} refuses triplets and {@code do_nothing} the two
 * parts, as in PML. β (default 1.2) is a trainable parameter when {@code learnBeta} (exposed by
 * {@link #parameters()}). Defaults α = 0.2, ν = 0, normalised L2.
 */
public final class MarginLoss extends GroupLoss {

    /** The margin α. */
    public static final Setting<Double> MARGIN = Setting.real("margin", 0.2, v -> v >= 0, "margin >= 0",
            "the margin α around the boundary β");
    /** The weight ν of β. */
    public static final Setting<Double> NU = Setting.real("nu", 0, v -> v >= 0, "nu >= 0",
            "the regularisation ν of β");
    /** The initial boundary β. */
    public static final Setting<Double> BETA = Setting.real("beta", 1.2, "the (initial) boundary β");
    /** Whether β is trained. */
    public static final Setting<Boolean> LEARN_BETA = Setting.flag("learn_beta", false, "train β with the model");
    /** The distance. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.euclidean().normalized());
    /** The reducer, PML's default: {@link DivisorReducer}. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new DivisorReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MarginLoss> SPEC = ComponentSpec.of("margin", MarginLoss.class, MarginLoss::new,
            MARGIN, NU, BETA, LEARN_BETA, DISTANCE, REDUCER);

    /** PML's name of the triplet terms' part. */
    static final String MARGIN_PART = "margin_loss";
    /** PML's name of the ν·β part. */
    static final String BETA_PART = "beta_reg_loss";

    private final double margin;
    private final double nu;
    private final double initialBeta;
    private final boolean learnBeta;
    private final Parameter beta;

    private MarginLoss(Settings settings) {
        super(settings);
        this.margin = settings.get(MARGIN);
        this.nu = settings.get(NU);
        this.initialBeta = settings.get(BETA);
        this.learnBeta = settings.get(LEARN_BETA);
        this.beta = Parameter.builder().setName("beta").setType(Parameter.Type.OTHER).optShape(new Shape(1))
                .optInitializer(new ConstantInitializer((float) initialBeta)).optRequiresGrad(learnBeta).build();
    }

    /** Creates the loss with PML's defaults (0.2, 0, 1.2, fixed β, normalised L2). */
    public MarginLoss() {
        this(SPEC.read(null));
    }

    /** {@inheritDoc} PML's default: the sum over the number of non-zero positive and negative terms. */
    @Override
    protected Reducer defaultReducer() {
        return new DivisorReducer();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        if (!beta.isInitialized()) {
            beta.initialize(manager, dataType);
            beta.getArray().set(manager.create(new double[] {initialBeta}).toType(dataType, false)
                    .toByteBuffer());
        }
    }

    @Override
    public ParameterList parameters() {
        ParameterList list = new ParameterList();
        if (learnBeta) {
            list.add("beta", beta);
        }
        return list;
    }

    @Override
    protected LossTerms compute(LossInputs in) {
        initialize(in.embeddings().getManager(), in.embeddings().getDataType());
        NDArray b = beta.getArray().toType(in.embeddings().getDataType(), false);
        NDArray mat = in.distances(distance());
        LossTerms margins = in.tuples() != null ? listed(mat, b, in.tuples().toTriplets(), in.labels())
                : allTriplets(mat, b, in);
        // PML: nu·beta is a loss only while beta is trained and the batch has a triplet; every reducer passes it
        NDArray reg = learnBeta && nu != 0 && hasTriplet(in) ? Scalars.mul(b.sum(), nu).add(in.zero()) : in.zero();
        return LossTerms.sum(margins.named(MARGIN_PART), LossTerms.fixedPart(BETA_PART, reg));
    }

    /** Whether the batch has a triplet: a listed one, or an anchor with a positive and a negative. */
    private static boolean hasTriplet(LossInputs in) {
        if (in.tuples() != null) {
            return in.tuples().toTriplets().a().size() > 0;
        }
        NDArray pos = Masks.rowCounts(Masks.positives(in.labels(), in.refLabels(), in.selfRef()));
        NDArray neg = Masks.rowCounts(Masks.negatives(in.labels(), in.refLabels()));
        return pos.toType(DataType.INT64, false).mul(neg.toType(DataType.INT64, false)).sum().getLong() > 0;
    }

    /** The positive and negative terms of listed triplets, with the count of non-zero ones as divisor. */
    private LossTerms listed(NDArray mat, NDArray b, IndexTuples.Triplets t, NDArray labels) {
        NDArray posTerms = Activation.relu(LossMath.pick(mat, t.a(), t.p()).sub(b).add(margin));
        NDArray negTerms = Activation.relu(b.sub(LossMath.pick(mat, t.a(), t.n())).add(margin));
        NDArray nonZero = posTerms.gt(0).toType(DataType.INT64, false).sum()
                .add(negTerms.gt(0).toType(DataType.INT64, false).sum());
        return LossTerms.triplets(posTerms.add(negTerms), null, t.a(), labels).withDivisor(nonZero);
    }

    /**
     * Every valid triplet: with the divisor reducer in O(B²) (each (a, p) term repeats once per negative of a, each
     * (a, n) term once per positive of a); with a counting reducer block by block; with a reducer that weights or
     * groups by anchor as the {@code (n, m, m)} triplet terms.
     */
    private LossTerms allTriplets(NDArray mat, NDArray b, LossInputs in) {
        NDArray pos = Masks.positives(in.labels(), in.refLabels(), in.selfRef());
        NDArray neg = Masks.negatives(in.labels(), in.refLabels());
        Reducer r = reducer().forPart(MARGIN_PART);
        if (r instanceof DivisorReducer) {
            NDArray negPerAnchor = Masks.rowCounts(neg).toType(mat.getDataType(), false).expandDims(1);
            NDArray posPerAnchor = Masks.rowCounts(pos).toType(mat.getDataType(), false).expandDims(1);
            NDArray posF = pos.toType(mat.getDataType(), false).mul(negPerAnchor);
            NDArray negF = neg.toType(mat.getDataType(), false).mul(posPerAnchor);
            NDArray posTerms = Activation.relu(mat.sub(b).add(margin));
            NDArray negTerms = Activation.relu(b.sub(mat).add(margin));
            double count = posTerms.gt(0).toType(mat.getDataType(), false).mul(posF).sum()
                    .add(negTerms.gt(0).toType(mat.getDataType(), false).mul(negF).sum())
                    .toType(DataType.FLOAT64, false).getDouble();
            return LossTerms.reducedWith(reducer(), count == 0 ? in.zero()
                    : Scalars.div(posTerms.mul(posF).sum().add(negTerms.mul(negF).sum()), count));
        }
        if (r.elementwise()) {
            return LossTerms.reducedWith(reducer(), TripletBlocks.reduce(mat, pos, neg,
                    (ap, an) -> Activation.relu(ap.sub(b).add(margin)).add(Activation.relu(b.sub(an).add(margin))),
                    r, in.zero()));
        }
        NDArray all = Activation.relu(mat.sub(b).add(margin)).expandDims(2)
                .add(Activation.relu(b.sub(mat).add(margin)).expandDims(1));
        NDArray valid = pos.expandDims(2).logicalAnd(neg.expandDims(1));
        NDArray rows = in.labels().getManager().arange((int) in.labels().size()).toType(DataType.INT64, false)
                .reshape(-1, 1, 1);
        return LossTerms.triplets(all, valid, rows, in.labels());
    }

    /**
     * A builder that starts from the reference defaults; every setting is named.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MarginLoss}: each setting by name, the reference defaults for the rest. */
    public static final class Builder extends LossBuilder<MarginLoss, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link MarginLoss#MARGIN}.
         *
         * @param margin the value
         * @return this builder
         */
        public Builder optMargin(double margin) {
            return set(MARGIN, margin);
        }

        /**
         * Sets {@link MarginLoss#NU}.
         *
         * @param nu the value
         * @return this builder
         */
        public Builder optNu(double nu) {
            return set(NU, nu);
        }

        /**
         * Sets {@link MarginLoss#BETA}.
         *
         * @param beta the value
         * @return this builder
         */
        public Builder optBeta(double beta) {
            return set(BETA, beta);
        }

        /**
         * Sets {@link MarginLoss#LEARN_BETA}.
         *
         * @param learnBeta the value
         * @return this builder
         */
        public Builder optLearnBeta(boolean learnBeta) {
            return set(LEARN_BETA, learnBeta);
        }
    }
}
