package org.quaterion.eval.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an {@link IrEvaluator} measured.
 *
 * @param metrics metric name ({@code ndcg@10}, {@code recall@5}, …) to its mean over the evaluated queries, in the
 *     evaluator's order
 * @param queries queries evaluated
 * @param documents corpus size
 * @param skippedQueries judged queries without a relevant document, not evaluated
 * @param engine the search that ranked the corpus: {@code exact} or {@code hnsw}
 */
public record IrResult(Map<String, Double> metrics, int queries, int documents, int skippedQueries, String engine) {

    /** Copies the metrics, keeping their order. */
    public IrResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * One metric.
     *
     * @param name such as {@code ndcg@10}
     * @return its value
     * @throws IllegalArgumentException when the evaluator did not compute it
     */
    public double get(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric " + name + "; computed: " + metrics.keySet());
        }
        return v;
    }
}
