package org.quaterion.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.models.SimilarityModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes named metrics of a model on a dataset: the sampler encodes the dataset once, every metric reads the same
 * embeddings (and the same neighbour search per distance), then everything is freed. Quaterion's {@code Evaluator},
 * with exact streaming search instead of dense {@code S × N} matrices. Immutable.
 *
 * @param <S> sample type
 * @param <T> record type
 */
public final class Evaluator<S, T> {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    private final Map<String, SampleMetric> metrics;
    private final Sampler<S, T> sampler;

    /**
     * Creates the evaluator.
     *
     * @param metrics name to metric, at least one
     * @param sampler the sampler
     */
    public Evaluator(Map<String, SampleMetric> metrics, Sampler<S, T> sampler) {
        if (metrics == null || metrics.isEmpty()) {
            throw new IllegalArgumentException("an evaluator needs at least one metric");
        }
        if (sampler == null) {
            throw new IllegalArgumentException("an evaluator needs a sampler (GroupSampler or PairSampler)");
        }
        this.metrics = new LinkedHashMap<>(metrics);
        this.sampler = sampler;
    }

    /**
     * Evaluates a model.
     *
     * @param dataset the samples
     * @param model the model
     * @return metric name to value, in the order the metrics were given
     */
    public Map<String, Double> evaluate(List<S> dataset, SimilarityModel<T> model) {
        return evaluate(dataset, model, new int[0]);
    }

    /**
     * Evaluates Matryoshka levels: every metric on the first {@code d} values of the embeddings, for each given
     * {@code d} (one sample, encoded once), keyed {@code "<metric>@<d>"}; with no dimensions, the full embeddings
     * keyed by metric name.
     *
     * @param dataset the evaluation samples
     * @param model the model
     * @param dimensions prefix sizes, each 1 to the model's embedding size
     * @return metric name (with its prefix size) to value, in the order given
     */
    public Map<String, Double> evaluate(List<S> dataset, SimilarityModel<T> model, int... dimensions) {
        for (int d : dimensions) {
            if (d < 1 || d > model.embeddingSize()) {
                throw new IllegalArgumentException("dimensions must be in [1, " + model.embeddingSize() + "], got "
                        + d);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (NDManager manager = model.manager().newSubManager()) {
            EmbeddedSample full = sampler.sample(dataset, model, manager);
            for (int level = 0; level < Math.max(1, dimensions.length); level++) {
                EmbeddedSample sample = dimensions.length == 0 ? full : full.prefix(dimensions[level]);
                String suffix = dimensions.length == 0 ? "" : "@" + dimensions[level];
                for (Map.Entry<String, SampleMetric> metric : metrics.entrySet()) {
                    try (NDScope scope = new NDScope()) {
                        out.put(metric.getKey() + suffix, metric.getValue().compute(sample));
                    }
                }
            }
        }
        LOG.info("evaluated {} samples in {} ms: {}", dataset.size(), (System.nanoTime() - t0) / 1_000_000, out);
        return out;
    }
}
