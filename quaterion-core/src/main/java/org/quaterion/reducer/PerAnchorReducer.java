package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;
import org.quaterion.settings.SettingsBuilder;

/**
 * Per-anchor means first, PML's {@code PerAnchorReducer}: pair losses are averaged per anchor row (0 for a row with
 * no pair), and the {@code n} per-anchor values are reduced by an inner reducer (default the mean, so every row of
 * the batch counts); element losses go to the inner reducer unchanged. Triplet losses are refused, as in PML, and so
 * is a loss that does not state the anchor of each pair. Mined pairs listed more than once count once in their
 * anchor's mean, as PML's value counts them.
 */
public final class PerAnchorReducer implements TermsReducer, Configurable {

    /** The reducer of the per-anchor values. */
    public static final Setting<Reducer> REDUCER = Setting.of("reducer", Reducer.class, "reducer", new MeanReducer(),
            Reducers::read, Reducers::write, "the reducer of the per-anchor values (a name or {type, …settings})");
    /** The declaration. */
    public static final ComponentSpec<PerAnchorReducer> SPEC = ComponentSpec.of("per_anchor", PerAnchorReducer.class,
            PerAnchorReducer::new, REDUCER);

    private final Settings settings;
    private final Reducer inner;

    private PerAnchorReducer(Settings settings) {
        this.settings = settings;
        this.inner = settings.get(REDUCER);
    }

    /** Creates the reducer with the mean over anchors (PML's default). */
    public PerAnchorReducer() {
        this(SPEC.read(null));
    }

    /**
     * The reducer with an inner reducer of the per-anchor values.
     *
     * @param inner e.g. {@link AvgNonZeroReducer}
     * @return the reducer
     */
    public static PerAnchorReducer of(Reducer inner) {
        return new Builder().optReducer(inner).build();
    }

    @Override
    public boolean toScalar() {
        return inner.toScalar();
    }

    @Override
    public NDArray reduce(Terms terms, NDArray zero) {
        if (terms.type() == null) {
            throw new IllegalArgumentException(terms.source() + " does not state whether its losses are per element, "
                    + "pair or triplet, which per_anchor needs; use mean, sum, avg_non_zero or threshold with it");
        }
        switch (terms.type()) {
            case ELEMENT:
                return inner.reduce(terms, zero);
            case TRIPLET:
                throw new IllegalArgumentException("per_anchor reduces element and pair losses, not the triplet "
                        + "losses of " + terms.source() + " (as PML's PerAnchorReducer); use mean, avg_non_zero or "
                        + "class_weighted with it");
            default:
                return inner.reduce(perAnchor(terms.requireAnchors("average the pairs of each anchor")), zero);
        }
    }

    /** The per-row means of the existing pair losses (0 for a row without pairs) as element terms. */
    private static Terms perAnchor(Terms terms) {
        long n = terms.rows();
        NDArray losses = terms.losses();
        NDArray exists = terms.mask() != null ? terms.mask() : losses.onesLike().toType(DataType.BOOLEAN, false);
        NDArray oneHot = terms.anchorsPerLoss().flatten().oneHot((int) n).toType(losses.getDataType(), false);
        NDArray existing = exists.flatten().toType(losses.getDataType(), false);
        NDArray values = NDArrays.where(exists, losses, Scalars.of(losses, 0)).flatten();
        if (terms.others() != null) {
            existing = existing.div(listings(terms.anchorsPerLoss().flatten(), terms.others(), losses));
            values = values.mul(existing);
        }
        NDArray sums = oneHot.transpose().matMul(values.expandDims(1)).squeeze(1);
        NDArray counts = oneHot.transpose().matMul(existing.expandDims(1)).squeeze(1);
        NDArray has = counts.gt(0);
        NDArray means = NDArrays.where(has, sums.div(NDArrays.where(has, counts, counts.onesLike())),
                Scalars.of(sums, 0));
        NDArray rows = terms.labels().getManager().arange((int) n).toType(DataType.INT64, false);
        return terms.with(TermType.ELEMENT, means, null, rows);
    }

    /**
     * How often each listed pair is listed: PML scatters the pairs into an anchor × reference matrix, so a pair
     * listed twice is one entry of its anchor's mean; weighting each listing by 1 / count gives that value and its
     * true gradient.
     */
    private static NDArray listings(NDArray anchors, NDArray others, NDArray losses) {
        if (anchors.size() == 0) {
            return losses.onesLike().flatten();
        }
        NDArray key = anchors.mul(others.max().add(1)).add(others);
        NDList unique = key.unique(true, true, true); // values, inverse, counts
        return unique.get(2).get(unique.get(1)).toType(losses.getDataType(), false);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    /** Builds a {@link PerAnchorReducer}. */
    public static final class Builder extends SettingsBuilder<PerAnchorReducer, Builder> {
        private Builder() {
            super(SPEC);
        }

        /**
         * Sets {@link #REDUCER}.
         *
         * @param reducer the reducer of the per-anchor values
         * @return this builder
         */
        public Builder optReducer(Reducer reducer) {
            return set(REDUCER, reducer);
        }
    }
}
