package org.quaterion.eval.ir;

import java.util.List;
import java.util.Optional;
import org.quaterion.models.SimilarityModel;
import org.quaterion.train.Callback;
import org.quaterion.train.Monitor;
import org.quaterion.train.TrainingContext;

/**
 * Runs an {@link IrEvaluator} at the end of every epoch of a fit (sentence-transformers' evaluator in the trainer),
 * on the evaluated weights (the weight average when one is kept), and adds its metrics to the epoch's row as
 * {@code <prefix>_<metric>} ({@code ir_ndcg@10}): the monitor, early stopping, the best weights, the history and the
 * metrics files see them, with or without a validation loader. The model must take text records. To stop on
 * NDCG@10: {@code withEarlyStopping(new EarlyStopping("ir_ndcg@10", false, patience, 0))}.
 */
public final class IrEvaluation implements Callback {

    /** The prefix of {@link #IrEvaluation(IrEvaluator)}. */
    public static final String DEFAULT_PREFIX = "ir";

    private final String prefix;
    private final IrEvaluator evaluator;
    private IrResult last;

    /**
     * Evaluates every epoch, with keys {@code ir_<metric>}.
     *
     * @param evaluator the evaluator
     */
    public IrEvaluation(IrEvaluator evaluator) {
        this(DEFAULT_PREFIX, evaluator);
    }

    /**
     * Evaluates every epoch, with keys {@code <prefix>_<metric>}: give each evaluator of a run its own prefix.
     *
     * @param prefix letters, digits, '_' or '-'
     * @param evaluator the evaluator
     */
    public IrEvaluation(String prefix, IrEvaluator evaluator) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("the IR evaluation prefix must be letters, digits, '_' or '-', got "
                    + prefix);
        }
        if (evaluator == null) {
            throw new IllegalArgumentException("IrEvaluation needs an evaluator");
        }
        this.prefix = prefix;
        this.evaluator = evaluator;
    }

    /**
     * The row key of a metric.
     *
     * @param metric such as {@code ndcg@10}
     * @return such as {@code ir_ndcg@10}
     */
    public String key(String metric) {
        return prefix + "_" + metric;
    }

    /**
     * Every key this callback adds to an epoch's row, in order.
     *
     * @return the keys
     */
    public List<String> keys() {
        return evaluator.config().metricNames().stream().map(this::key).toList();
    }

    /**
     * The result of the latest epoch's evaluation.
     *
     * @return the result, empty before the first epoch ended
     */
    public Optional<IrResult> lastResult() {
        return Optional.ofNullable(last);
    }

    @Override
    public String name() {
        return "IrEvaluation_" + prefix;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        Optional<String> monitored = context.config().monitor().map(Monitor::name);
        if (monitored.isPresent() && monitored.get().startsWith(prefix + "_") && !keys().contains(monitored.get())) {
            throw new IllegalArgumentException("the run monitors '" + monitored.get() + "', which the IR evaluation '"
                    + prefix + "' does not compute; it adds " + keys() + " (set the cut-offs in IrEvaluator.Config)");
        }
    }

    @Override
    public void beforeEpochEnd(TrainingContext context) {
        SimilarityModel<String> model = textModel(context.model());
        IrResult[] result = new IrResult[1];
        context.withEvaluatedWeights(() -> {
            try {
                result[0] = evaluator.evaluate(model);
            } catch (ClassCastException e) {
                throw new IllegalArgumentException("IrEvaluation encodes texts, but the model's encoders take other "
                        + "records (" + e.getMessage() + "); evaluate a SimilarityModel<String>", e);
            }
        });
        last = result[0];
        last.metrics().forEach((metric, value) -> context.addEpochValue(key(metric), value));
    }

    @SuppressWarnings("unchecked")
    private static SimilarityModel<String> textModel(SimilarityModel<?> model) {
        return (SimilarityModel<String>) model;
    }

    @Override
    public String toString() {
        return "IrEvaluation{" + prefix + ", " + evaluator.data() + "}";
    }
}
