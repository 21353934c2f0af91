package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * A self-supervised wrapper (PML's {@code SelfSupervisedLoss}): the embeddings and the reference embeddings are two
 * augmented views of the same inputs, row i of each from input i, so the pairs of views are the positives and every
 * other input a negative. {@link #forwardViews(NDArray, NDArray)} numbers the rows {@code 0..N-1}; with
 * {@code symmetric} (the default) the inner loss sees the 2N rows of both views with those labels, else the first
 * view against the second as references. Through the group-loss {@code forward} the labels say which rows are views
 * of the same input (references, when given, are the second view as above). No mined tuples: the wrapper pairs the
 * views itself.
 *
 * <p>The inner loss must be one PML supports: {@link #SUPPORTED_LOSSES}, by class name; others (class-weight losses,
 * losses without positives per row, wrappers) are refused with a message.
 */
public final class SelfSupervisedLoss extends LossWrapper.Group {

    /** The inner losses PML's {@code SelfSupervisedLoss} accepts, by class name. */
    public static final List<String> SUPPORTED_LOSSES = List.of("AngularLoss", "CircleLoss", "ContrastiveLoss",
            "GeneralizedLiftedStructureLoss", "IntraPairVarianceLoss", "LiftedStructureLoss", "MultiSimilarityLoss",
            "NTXentLoss", "SignalToNoiseRatioContrastiveLoss", "SupConLoss", "TripletMarginLoss", "NCALoss",
            "TupletMarginLoss");
    /** The wrapped loss. */
    public static final Setting<GroupLoss> LOSS = Setting.required("loss", GroupLoss.class, "loss",
            NestedComponents::loss, NestedComponents::write, "the wrapped loss, {type, …settings}: one of "
                    + SUPPORTED_LOSSES);
    /** Both views as one batch (true) or the first view against the second (false). */
    public static final Setting<Boolean> SYMMETRIC = Setting.flag("symmetric", true,
            "the 2N rows of both views as one batch (false: the first view against the second as references)");
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<SelfSupervisedLoss> SPEC = ComponentSpec.of("self_supervised",
            SelfSupervisedLoss.class, SelfSupervisedLoss::new, LOSS, SYMMETRIC);

    private final Settings settings;

    private SelfSupervisedLoss(Settings settings) {
        super(supported(settings.get(LOSS)), new Views(settings));
        this.settings = settings;
    }

    /**
     * Wraps a loss, symmetric (PML's default).
     *
     * @param inner one of {@link #SUPPORTED_LOSSES}
     * @return the wrapper
     */
    public static SelfSupervisedLoss of(GroupLoss inner) {
        return of(inner, true);
    }

    /**
     * Wraps a loss.
     *
     * @param inner one of {@link #SUPPORTED_LOSSES}
     * @param symmetric both views as one batch, or the first against the second
     * @return the wrapper
     */
    public static SelfSupervisedLoss of(GroupLoss inner, boolean symmetric) {
        return new SelfSupervisedLoss(Settings.of(SPEC, Map.<Setting<?>, Object>of(LOSS, inner, SYMMETRIC,
                symmetric)));
    }

    private static GroupLoss supported(GroupLoss inner) {
        if (inner != null && !SUPPORTED_LOSSES.contains(inner.getClass().getSimpleName())) {
            throw new IllegalArgumentException("SelfSupervisedLoss cannot wrap " + inner.getClass().getSimpleName()
                    + " (PML supports " + SUPPORTED_LOSSES + "): it needs a loss over pairs or tuples of embeddings");
        }
        return inner;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    /** The views are paired by the wrapper; there are no tuples to mine. */
    @Override
    public boolean usesMinedTuples() {
        return false;
    }

    @Override
    public String minedTuplesIgnoredBecause() {
        return "it pairs the two views itself";
    }

    /**
     * The loss of two views of the same inputs (PML's {@code loss(embeddings, ref_emb)}).
     *
     * @param embeddings {@code (N, d)} the first view
     * @param refEmbeddings {@code (N, d)} the second view, row i of the same input as row i of the first
     * @return the scalar loss
     */
    public NDArray forwardViews(NDArray embeddings, NDArray refEmbeddings) {
        NDArray rows = TwoViews.rowIds(embeddings, refEmbeddings, name());
        return forward(embeddings, rows, null, refEmbeddings, rows);
    }

    /** The wrapper's value: the inner loss on both views as one batch, or on the first against the second. */
    private record Views(Settings settings) implements LossWrapper {

        @Override
        public String name() {
            return "SelfSupervisedLoss";
        }

        @Override
        public <I extends BaseLoss.Inputs<I>> NDArray value(I in, BaseLoss<I> inner) {
            if (in instanceof LossInputs g && !g.selfRef() && settings.get(SYMMETRIC)) {
                NDArray both = NDArrays.concat(new NDList(g.embeddings(), g.refEmbeddings()), 0);
                NDArray labels = NDArrays.concat(new NDList(g.labels(), g.refLabels()), 0);
                @SuppressWarnings("unchecked")
                I joined = (I) LossInputs.of(both, labels, null, null, null, name());
                return inner.forward(joined);
            }
            return inner.forward(in);
        }

        @Override
        public JsonObject config(JsonObject inner) {
            return settings.toJson();
        }
    }
}
