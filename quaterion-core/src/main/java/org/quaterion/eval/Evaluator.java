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
        Map<String, Double> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (NDManager manager = model.manager().newSubManager()) {
            EmbeddedSample sample = sampler.sample(dataset, model, manager);
            for (Map.Entry<String, SampleMetric> metric : metrics.entrySet()) {
                try (NDScope scope = new NDScope()) {
                    out.put(metric.getKey(), metric.getValue().compute(sample));
                }
            }
        }
        LOG.info("evaluated {} samples in {} ms: {}", dataset.size(), (System.nanoTime() - t0) / 1_000_000, out);
        return out;
    }
}
