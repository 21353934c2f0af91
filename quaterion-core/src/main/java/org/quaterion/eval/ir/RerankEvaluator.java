package org.quaterion.eval.ir;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.models.rerank.PairScores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates re-ranking the bi-encoder's top k (sentence-transformers' {@code CrossEncoderRerankingEvaluator} over a
 * first-stage retrieval): ranks the corpus of an {@link IrDataset} for every query as {@link IrEvaluator} does, keeps
 * the {@code candidates} nearest documents, scores each query's candidates with a {@link PairScorer} (a
 * cross-encoder; one call per query) and computes the same metrics (MRR@10, NDCG@10, recall@n, …) before and after,
 * plus how much of the first stage's recall@{@code candidates} the re-ranked top n keeps. Score ties keep the first
 * stage's order. Immutable; thread-safe as the scorer is.
 */
public final class RerankEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(RerankEvaluator.class);

    private final IrEvaluator ranker;
    private final Config config;

    /**
     * The evaluator's settings.
     *
     * @param candidates first-stage documents re-ranked per query, at least every metric's k
     * @param metrics the metrics (computed before and after re-ranking) and the first stage's search settings
     */
    public record Config(int candidates, IrEvaluator.Config metrics) {

        /** Checks that every metric's k fits in the candidates. */
        public Config {
            if (metrics == null) {
                throw new IllegalArgumentException("the re-ranking evaluator needs metric settings");
            }
            if (candidates < 1) {
                throw new IllegalArgumentException("candidates must be at least 1, got " + candidates);
            }
            if (metrics.maxK() > candidates) {
                throw new IllegalArgumentException("a metric cuts off at " + metrics.maxK() + " but only " + candidates
                        + " candidates are re-ranked: raise candidates or lower the metric's k (" + metrics
                                .metricNames() + ")");
            }
        }

        /**
         * The top 50 re-ranked; accuracy@1, precision and recall at 1 and 10, MRR@10 and NDCG@10; the first stage
         * searched as {@link IrEvaluator.Config#defaults()}.
         *
         * @return the settings
         */
        public static Config defaults() {
            return new Config(50, IrEvaluator.Config.defaults().withAccuracyAt(1).withPrecisionRecallAt(1, 10)
                    .withMrrAt(10).withNdcgAt(10).withMapAt());
        }

        /**
         * The same settings with another number of candidates.
         *
         * @param value first-stage documents re-ranked per query
         * @return a copy
         */
        public Config withCandidates(int value) {
            return new Config(value, metrics);
        }

        /**
         * The same settings with other metrics.
         *
         * @param value the metrics and first-stage search
         * @return a copy
         */
        public Config withMetrics(IrEvaluator.Config value) {
            return new Config(candidates, value);
        }
    }

    /**
     * An evaluator.
     *
     * @param data the queries, corpus and judgements
     * @param config the settings
     */
    public RerankEvaluator(IrDataset data, Config config) {
        if (data == null || config == null) {
            throw new IllegalArgumentException("the re-ranking evaluator needs a dataset and settings");
        }
        this.ranker = new IrEvaluator(data, config.metrics());
        this.config = config;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public Config config() {
        return config;
    }

    /**
     * Evaluates a text model's first stage re-ranked by a scorer; arrays live on the model's device.
     *
     * @param model the bi-encoder
     * @param scorer re-scores (query text, document text) pairs
     * @return the metrics before and after
     */
    public RerankResult evaluate(SimilarityModel<String> model, PairScorer<String, String> scorer) {
        return evaluate(IrEncoder.of(model), model.manager(), scorer);
    }

    /**
     * Evaluates an encoder's first stage re-ranked by a scorer.
     *
     * @param encoder encodes queries and documents
     * @param manager the parent of the search's arrays
     * @param scorer re-scores (query text, document text) pairs
     * @return the metrics before and after
     * @throws IllegalStateException when the scorer returns a wrong number of scores or a non-finite score
     */
    public RerankResult evaluate(IrEncoder encoder, NDManager manager, PairScorer<String, String> scorer) {
        if (scorer == null) {
            throw new IllegalArgumentException("the re-ranking evaluator needs a scorer");
        }
        long start = System.nanoTime();
        IrEvaluator.Ranked first = ranker.rank(encoder, manager, config.candidates());
        int[][] reranked = rerank(first.rankings(), scorer);
        IrResult before = ranker.metrics(first.rankings(), config.metrics(), first.engine());
        IrResult after = ranker.metrics(reranked, config.metrics(), first.engine());
        double ceiling = ranker.metrics(first.rankings(), config.metrics().withAccuracyAt().withPrecisionRecallAt(
                config.candidates()).withMrrAt().withNdcgAt().withMapAt(), first.engine())
                .get("recall@" + config.candidates());
        Map<String, Double> kept = new LinkedHashMap<>();
        for (int n : config.metrics().precisionRecallAt()) {
            kept.put("recall_kept@" + n, ceiling == 0 ? 0 : after.get("recall@" + n) / ceiling);
        }
        RerankResult result = new RerankResult(before, after, config.candidates(), ceiling, kept);
        LOG.info("re-ranking the top {} of {} queries in {} ms: first stage {}, re-ranked {}, first-stage recall@{} "
                + "{}, kept {}", config.candidates(), before.queries(), (System.nanoTime() - start) / 1_000_000,
                before.metrics(), after.metrics(), config.candidates(), ceiling, kept);
        return result;
    }

    /** Each query's candidates ordered by the scorer, highest first (ties in first-stage order). */
    private int[][] rerank(int[][] rankings, PairScorer<String, String> scorer) {
        List<String> queries = ranker.data().queryTexts();
        List<String> documents = ranker.data().documentTexts();
        int[][] out = new int[rankings.length][];
        for (int q = 0; q < rankings.length; q++) {
            int[] candidates = rankings[q];
            List<String> texts = new ArrayList<>(candidates.length);
            for (int d : candidates) {
                texts.add(documents.get(d));
            }
            String query = ranker.data().queryIds().get(q);
            float[] scores = candidates.length == 0 ? new float[0] : PairScores.checked(scorer.score(queries.get(q),
                    texts), candidates.length, "candidates of query '" + query + "'",
                    i -> "candidate " + i + " of query '" + query + "'");
            out[q] = IntStream.range(0, candidates.length).boxed()
                    .sorted(Comparator.comparing((Integer i) -> scores[i], Comparator.reverseOrder())
                            .thenComparingInt(i -> i))
                    .mapToInt(i -> candidates[i]).toArray();
        }
        return out;
    }
}
