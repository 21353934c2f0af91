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
import org.quaterion.settings.Settings;

/**
 * Embedding distillation (sentence-transformers' {@code MSELoss}; Reimers &amp; Gurevych 2020, "Making Monolingual
 * Sentence Embeddings Multilingual using Knowledge Distillation"): the student's embeddings of both members of a pair
 * regress onto the pair's teacher embedding t,
 * {@code L = mean over the 2n rows and d values of (s_ij − t_ij)²}, e.g. (sentence, translation) pairs with the
 * teacher's embedding of the sentence (multilingual distillation), or (sentence, sentence) with the teacher's
 * embedding (model compression). The student's embedding size must equal the teacher's. Needs a teacher embedding on
 * every pair ({@code SimilarityPairSample.withTeacherEmbedding}); the pair scores are not used. Default reducer: the
 * mean over all squared differences.
 */
public final class EmbeddingMseLoss extends PairwiseLoss {

    /** The reducer of the squared differences: the mean over all of them, as sentence-transformers. */
    public static final org.quaterion.settings.Setting<Reducer> REDUCER = Reducers.setting(new MeanReducer());
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<EmbeddingMseLoss> SPEC = ComponentSpec.of("embedding_mse",
            EmbeddingMseLoss.class, EmbeddingMseLoss::new, REDUCER);

    private EmbeddingMseLoss(Settings settings) {
        super(settings);
    }

    /** Creates the loss with the mean over all squared differences. */
    public EmbeddingMseLoss() {
        this(SPEC.read(null));
    }

    /**
     * None: the loss compares each embedding with its teacher embedding, value by value.
     *
     * @return null
     */
    @Override
    protected Distance defaultDistance() {
        return null;
    }

    /**
     * The teacher embeddings are the targets.
     *
     * @return true
     */
    @Override
    public boolean usesTeacherEmbeddings() {
        return true;
    }

    @Override
    protected LossTerms compute(PairInputs in) {
        if (!in.hasTeacherEmbeddings()) {
            throw new IllegalArgumentException("EmbeddingMseLoss needs a teacher embedding on every pair: build the "
                    + "samples with SimilarityPairSample.withTeacherEmbedding (JSONL: \"teacher_embedding\")");
        }
        long d = in.embeddings().getShape().get(1);
        long teacher = in.teacherEmbeddings().getShape().get(1);
        if (d != teacher) {
            throw new IllegalArgumentException("EmbeddingMseLoss: the teacher embeddings have " + teacher + " values "
                    + "but the model's embeddings " + d + "; give the student a head with output size " + teacher);
        }
        if (in.size() == 0) {
            return LossTerms.none();
        }
        NDArray students = in.left().concat(in.right(), 0);
        NDArray targets = in.teacherEmbeddings().concat(in.teacherEmbeddings(), 0);
        return LossTerms.of(students.sub(targets).square());
    }

    /**
     * A builder that starts from the reference defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EmbeddingMseLoss}: its reducer by name, the mean otherwise. */
    public static final class Builder extends LossBuilder<EmbeddingMseLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
