package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.Settings;

/**
 * A loss over scored pairs in Quaterion's layout ({@link PairInputs}: rows of both sides of the batch's pairs, the
 * pairs, their scores, subgroups and optionally explicit negatives), on the {@link BaseLoss} pipeline: validated
 * inputs, unreduced {@link LossTerms}, the loss's {@link Reduction}. Output: a scalar; bad input raises
 * {@link IllegalArgumentException}.
 */
public abstract non-sealed class PairwiseLoss extends BaseLoss<PairInputs> {

    /**
     * Creates the loss with {@link #defaultReducer()} (none for {@link Reduction#ALREADY_REDUCED}).
     *
     * @param distance the distance between the two sides of a pair, or null for {@link #defaultDistance()}
     */
    protected PairwiseLoss(Distance distance) {
        this(distance, null);
    }

    /**
     * Creates the loss.
     *
     * @param distance the distance between the two sides of a pair, or null for {@link #defaultDistance()}
     * @param reducer the reducer of the per-element losses, or null for {@link #defaultReducer()}
     */
    protected PairwiseLoss(Distance distance, Reducer reducer) {
        super(distance, reducer);
    }

    /**
     * Creates the loss from its declared settings: the distance and the reducer are its {@code distance} and
     * {@code reducer} settings when it declares them, else {@link #defaultDistance()} and {@link #defaultReducer()}.
     *
     * @param settings the validated settings; {@link #config()} writes them
     */
    protected PairwiseLoss(Settings settings) {
        super(settings, settings.find("distance", Distance.class), settings.find("reducer", Reducer.class));
    }

    /**
     * Creates the loss from its declared settings with a reducer it derives from them (a flag that chooses the mean
     * or the sum, say) instead of a {@code reducer} setting.
     *
     * @param settings the validated settings; {@link #config()} writes them
     * @param reducer the reducer
     */
    protected PairwiseLoss(Settings settings, Reducer reducer) {
        super(settings, settings.find("distance", Distance.class), reducer);
    }

    /**
     * Creates a wrapper around a pair loss.
     *
     * @param inner the wrapped loss
     */
    PairwiseLoss(PairwiseLoss inner) {
        super(inner);
    }

    /**
     * The distance used when none is given.
     *
     * @return cosine, sentence-transformers' and Quaterion's default
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.cosine();
    }

    /**
     * Computes the loss.
     *
     * @param embeddings {@code (2n, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param labels {@code (n)} scores
     * @param subgroups {@code (2n)} integer subgroup ids, or null for a single subgroup
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups) {
        return forward(embeddings, pairs, labels, subgroups, null);
    }

    /**
     * Computes the loss with explicit negatives (mined hard negatives, {@link org.quaterion.dataset.PairBatch}'s
     * layout): extra embedding rows, each known to be a negative of one pair's first member.
     *
     * @param embeddings {@code (2n + k, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param labels {@code (n)} scores
     * @param subgroups {@code (2n + k)} integer subgroup ids, or null for a single subgroup
     * @param negatives {@code (k, 2)} integer (pair index, row index) of each explicit negative, or null for none
     * @return the scalar loss
     * @throws IllegalArgumentException on bad input, or when this loss cannot use explicit negatives and some are
     *     given
     */
    public final NDArray forward(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray negatives) {
        return forward(PairInputs.of(embeddings, pairs, labels, subgroups, negatives, name()));
    }

    /**
     * Computes the loss with distillation targets ({@link org.quaterion.dataset.PairBatch}'s teacher embeddings and
     * margins).
     *
     * @param embeddings {@code (2n + k, d)}
     * @param pairs {@code (n, 2)} integer row indices
     * @param labels {@code (n)} scores
     * @param subgroups {@code (2n + k)} integer subgroup ids, or null for a single subgroup
     * @param negatives {@code (k, 2)} integer (pair index, row index) of each explicit negative, or null for none
     * @param teacherEmbeddings {@code (n, d_T)} one teacher embedding per pair, or null for none
     * @param teacherMargins {@code (k)} one teacher margin per explicit negative, or null for none
     * @return the scalar loss
     * @throws IllegalArgumentException on bad input, or when this loss cannot use what is given
     */
    public final NDArray forward(NDArray embeddings, NDArray pairs, NDArray labels, NDArray subgroups,
            NDArray negatives, NDArray teacherEmbeddings, NDArray teacherMargins) {
        return forward(PairInputs.of(embeddings, pairs, labels, subgroups, negatives, teacherEmbeddings,
                teacherMargins, name()));
    }

    @Override
    final void check(PairInputs inputs) {
        if (inputs.hasNegatives() && !usesExplicitNegatives()) {
            throw new IllegalArgumentException(name() + " cannot use explicit negatives, and the "
                    + "batch has " + inputs.negatives().getShape().get(0) + "; use MultipleNegativesRankingLoss "
                    + "(extra candidates) or PairContrastiveLoss (dissimilar pairs), or build the samples without "
                    + "negatives");
        }
        if (inputs.hasTeacherEmbeddings() && !usesTeacherEmbeddings()) {
            throw new IllegalArgumentException(name() + " cannot use teacher embeddings, and the batch has them; "
                    + "use EmbeddingMseLoss (distillation onto the teacher's embeddings), or build the samples "
                    + "without them");
        }
        if (inputs.hasTeacherMargins() && !usesTeacherMargins()) {
            throw new IllegalArgumentException(name() + " cannot use teacher margins, and the batch has them; use "
                    + "MarginMseLoss (distillation of the teacher's score margins), or build the samples without them");
        }
    }

    /**
     * Whether {@link #compute} uses teacher embeddings ({@link PairInputs#hasTeacherEmbeddings()}); a loss that does
     * not refuses a batch that has them.
     *
     * @return false by default; a wrapper's inner loss's answer
     */
    public boolean usesTeacherEmbeddings() {
        return inner instanceof PairwiseLoss p && p.usesTeacherEmbeddings();
    }

    /**
     * Whether {@link #compute} uses teacher margins ({@link PairInputs#hasTeacherMargins()}); a loss that does not
     * refuses a batch that has them.
     *
     * @return false by default; a wrapper's inner loss's answer
     */
    public boolean usesTeacherMargins() {
        return inner instanceof PairwiseLoss p && p.usesTeacherMargins();
    }

    /**
     * Whether {@link #compute} uses explicit negatives ({@link PairInputs#hasNegatives()}). A loss that does not
     * refuses a batch that has them: ignoring them would train as if they were not there.
     *
     * @return false by default; a wrapper's inner loss's answer
     */
    public boolean usesExplicitNegatives() {
        return inner instanceof PairwiseLoss p && p.usesExplicitNegatives();
    }
}
