package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;
import org.quaterion.settings.Settings;

/**
 * Margin-MSE distillation of a cross-encoder (sentence-transformers' cross-encoder {@code MarginMSELoss} on
 * (query, positive, negative_1, …, negative_k) rows with teacher scores; Hofstätter et al. 2020): in each group the
 * first row in batch order is the positive p and every other row a negative n; with s the activated student score and
 * t the target (the teacher's score of the pair), {@code ℓ = (s(q, p) − s(q, n) − (t(q, p) − t(q, n)))²}, mean over
 * all (p, n) pairs of the batch (sentence-transformers' mean over its (batch, k) margins; groups may differ in size).
 *
 * <p>A group of a single row has no margin and contributes nothing; a batch without any group of two rows is refused.
 */
public final class MarginMseScoreLoss extends AbstractScoreLoss {

    /** Applied to the logits first: the identity, as sentence-transformers. */
    public static final Setting<ScoreActivation> ACTIVATION = activation(ScoreActivation.IDENTITY);
    /** The declaration: registry name and settings. */
    public static final ComponentSpec<MarginMseScoreLoss> SPEC = ComponentSpec.of("margin_mse_score",
            MarginMseScoreLoss.class, MarginMseScoreLoss::new, ACTIVATION);

    private final ScoreActivation activation;

    private MarginMseScoreLoss(Settings settings) {
        super(settings);
        this.activation = settings.get(ACTIVATION);
    }

    /** Creates the loss with sentence-transformers' default (identity). */
    public MarginMseScoreLoss() {
        this(SPEC.read(null));
    }

    @Override
    NDArray compute(ScoreBatch batch) {
        ScoreGroups groups = batch.groups();
        double[] t = batch.targetValues();
        int pairs = batch.size() - groups.count();
        if (pairs == 0) {
            throw new IllegalArgumentException("MarginMseScoreLoss needs a group of at least two rows (the positive "
                    + "first, then negatives); every one of the " + groups.count() + " groups has a single row: "
                    + "give each query's pairs one group id");
        }
        long[] positive = new long[pairs];
        long[] negative = new long[pairs];
        double[] margin = new double[pairs];
        int k = 0;
        for (int g = 0; g < groups.count(); g++) {
            int[] rows = groups.members(g);
            for (int j = 1; j < rows.length; j++) {
                positive[k] = rows[0];
                negative[k] = rows[j];
                margin[k] = t[rows[0]] - t[rows[j]];
                k++;
            }
        }
        NDArray s = activation.apply(batch.scores());
        NDManager m = s.getManager();
        NDArray teacher = ScoreGroups.constants(m, margin, new Shape(pairs), s.getDataType());
        return s.get(ScoreGroups.indices(m, positive)).sub(s.get(ScoreGroups.indices(m, negative))).sub(teacher)
                .square().mean();
    }

    /**
     * A builder that starts from sentence-transformers' defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MarginMseScoreLoss}. */
    public static final class Builder extends ScoreLossBuilder<MarginMseScoreLoss, Builder> {
        private Builder() {
            super(SPEC);
        }
    }
}
