package org.quaterion.search.rerank;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.models.rerank.PairScores;
import org.quaterion.search.LiveVectorIndex;
import org.quaterion.search.VectorIndex;

/**
 * Retrieval in two stages: the first stage (a {@link VectorIndex} or {@link LiveVectorIndex}, passed as
 * {@code index::search}) finds the {@code candidates} nearest items of the query vector, then a {@link PairScorer}
 * (a cross-encoder) scores every (query text, candidate text) pair in one call and the {@code topN} best-scored
 * candidates are returned, highest score first (ties keep the first stage's order). Each candidate's text comes
 * from a function of its hit: a map from id to text, or a field of its JSON payload.
 *
 * <p>The search owns neither the index nor the scorer: close them yourself. It is thread-safe when both are.
 */
public final class TwoStageSearch {

    /** The first stage: the k nearest items of a query vector, nearest first. */
    @FunctionalInterface
    public interface FirstStage {

        /**
         * The k nearest items.
         *
         * @param query the query vector
         * @param k results wanted
         * @return at most k hits, nearest first
         */
        List<VectorIndex.Hit> search(float[] query, int k);
    }

    /** Highest score first, then the first stage's order. */
    private static final Comparator<RerankedHit> BY_SCORE = Comparator
            .comparing(RerankedHit::score, Comparator.reverseOrder())
            .thenComparingInt(RerankedHit::firstStageRank);

    private final FirstStage firstStage;
    private final PairScorer<String, String> scorer;
    private final Function<VectorIndex.Hit, String> text;

    /**
     * A two-stage search.
     *
     * @param firstStage finds candidates, e.g. {@code index::search}
     * @param scorer re-scores (query text, candidate text) pairs
     * @param text a candidate's text from its hit (e.g. {@code hit -> texts.get(hit.id())}); never null for a hit
     */
    public TwoStageSearch(FirstStage firstStage, PairScorer<String, String> scorer,
            Function<VectorIndex.Hit, String> text) {
        if (firstStage == null || scorer == null || text == null) {
            throw new IllegalArgumentException("a two-stage search needs a first stage, a scorer and a text function");
        }
        this.firstStage = firstStage;
        this.scorer = scorer;
        this.text = text;
    }

    /**
     * Finds {@code candidates} items by vector, re-scores them against the query text and keeps the best {@code
     * topN}.
     *
     * @param queryVector the query's embedding, for the first stage
     * @param queryText the query's text, for the re-ranker
     * @param candidates first-stage hits to re-score, at least 1
     * @param topN hits returned, 1 to {@code candidates}
     * @return at most {@code topN} hits, highest score first
     * @throws IllegalArgumentException when {@code topN} exceeds {@code candidates}, either is below 1, or a
     *     candidate has no text
     * @throws IllegalStateException when the scorer returns a wrong number of scores or a non-finite score
     */
    public List<RerankedHit> search(float[] queryVector, String queryText, int candidates, int topN) {
        checkCounts(candidates, topN);
        if (queryVector == null || queryText == null) {
            throw new IllegalArgumentException("a two-stage search needs the query's vector and its text");
        }
        return rerank(queryText, firstStage.search(queryVector, candidates), scorer, text, topN);
    }

    /**
     * Refuses counts a re-ranking cannot honour: re-ranking only reorders the first stage's candidates, so it can
     * never return more of them than were found.
     *
     * @param candidates first-stage hits to re-score
     * @param topN hits returned
     * @throws IllegalArgumentException when either is below 1 or {@code topN > candidates}
     */
    public static void checkCounts(int candidates, int topN) {
        if (candidates < 1 || topN < 1) {
            throw new IllegalArgumentException("candidates and topN must be at least 1, got candidates=" + candidates
                    + " and topN=" + topN);
        }
        if (topN > candidates) {
            throw new IllegalArgumentException("topN (" + topN + ") exceeds candidates (" + candidates + "): "
                    + "re-ranking only reorders the first stage's candidates; ask for at least " + topN
                    + " candidates or fewer results");
        }
    }

    /**
     * Re-scores hits a first stage already found and keeps the best {@code topN}.
     *
     * @param queryText the query's text
     * @param hits the first stage's hits, nearest first
     * @param scorer scores (query text, candidate text) pairs, all hits in one call
     * @param text a candidate's text from its hit
     * @param topN hits returned, at least 1
     * @return at most {@code topN} hits, highest score first (ties keep the first stage's order)
     * @throws IllegalArgumentException when a hit has no text or {@code topN < 1}
     * @throws IllegalStateException when the scorer returns a wrong number of scores or a non-finite score
     */
    public static List<RerankedHit> rerank(String queryText, List<VectorIndex.Hit> hits,
            PairScorer<String, String> scorer, Function<VectorIndex.Hit, String> text, int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be at least 1, got " + topN);
        }
        if (hits.isEmpty()) {
            return List.of();
        }
        List<String> texts = new ArrayList<>(hits.size());
        for (VectorIndex.Hit hit : hits) {
            String t = text.apply(hit);
            if (t == null) {
                throw new IllegalArgumentException("no text for candidate '" + hit.id() + "': the re-ranker reads "
                        + "each candidate's text; give every item a text (in its payload or the id → text map)");
            }
            texts.add(t);
        }
        float[] scores = PairScores.checked(scorer.score(queryText, texts), hits.size(), "candidates",
                i -> "candidate '" + hits.get(i).id() + "'");
        List<RerankedHit> out = new ArrayList<>(hits.size());
        for (int i = 0; i < scores.length; i++) {
            out.add(new RerankedHit(hits.get(i), i, scores[i]));
        }
        out.sort(BY_SCORE);
        return List.copyOf(out.subList(0, Math.min(topN, out.size())));
    }
}
