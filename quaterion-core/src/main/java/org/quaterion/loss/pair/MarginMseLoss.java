package org.quaterion.loss.pair;

import ai.djl.ndarray.NDArray;
import org.quaterion.distance.Distance;
import org.quaterion.loss.LossBuilder;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.PairInputs;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.Reducers;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Margin-MSE distillation (sentence-transformers' {@code MarginMSELoss}; Hofstätter et al. 2020, "Improving Efficient
 * Neural Ranking Models with Cross-Architecture Knowledge Distillation"): for a query q, its positive p and each
 * explicit negative n_j with the teacher's margin {@code m_j = s_T(q, p) − s_T(q, n_j)}, the student's margin regresses
 * onto the teacher's, {@code ℓ_j = (s(q, p) − s(q, n_j) − m_j)²}, mean over the negatives. The student's score s is
 * the distance's similarity: the dot product by default (as sentence-transformers), or e.g. cosine. Needs explicit
 * negatives with teacher margins on every pair ({@code SimilarityPairSample.withTeacherMargins}); the pair scores are
 * not used.
 */
public final class MarginMseLoss extends PairwiseLoss {

    /** The distance whose similarity scores the student: the dot product by default. */
    public static final Setting<Distance> DISTANCE = Setting.distance(Distance.dotProduct());
    /** The reducer of the squared margin errors: the mean, as sentence-transformers. */
    public static final Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MarginMseLoss> SPEC = ComponentSpec.of("margin_mse", MarginMseLoss.class,
            MarginMseLoss::new, DISTANCE, REDUCER);

    private MarginMseLoss(Settings settings) {
        super(settings);
    }

    /** Creates the loss with the dot product and the mean. */
    public MarginMseLoss() {
        this(SPEC.read(null));
    }

    /**
     * The distance used when none is given.
     *
     * @return the dot product, sentence-transformers' score for MarginMSE
     */
    @Override
    protected Distance defaultDistance() {
        return Distance.dotProduct();
    }

    /**
     * The explicit negatives are the n_j of the margins.
     *
     * @return true
     */
    @Override
    public boolean usesExplicitNegatives() {
        return true;
    }

    /**
     * The teacher margins are the targets.
     *
     * @return true
     */
    @Override
    public boolean usesTeacherMargins() {
        return true;
    }

    @Override
    protected LossTerms compute(PairInputs in) {
        if (!in.hasTeacherMargins()) {
            throw new IllegalArgumentException("MarginMseLoss needs explicit negatives with teacher margins: build the "
                    + "samples with SimilarityPairSample.withTeacherMargins(negatives, margins) (JSONL: \"negatives\" "
                    + "and \"teacher_margins\")");
        }
        NDArray owners = in.negativeOwners();
        NDArray queries = in.left().get(owners);
        NDArray positives = in.right().get(owners);
        NDArray negatives = in.embeddings().get(in.negativeRows());
        NDArray margins = distance().similarityRowwise(queries, positives)
                .sub(distance().similarityRowwise(queries, negatives));
        return LossTerms.of(margins.sub(in.teacherMargins()).square());
    }

    /**
     * A builder that starts from the reference defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MarginMseLoss}: distance and reducer by name, the reference defaults otherwise. */
    public static final class Builder extends LossBuilder<MarginMseLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
