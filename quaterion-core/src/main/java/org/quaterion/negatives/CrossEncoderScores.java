package org.quaterion.negatives;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.RecordHash;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.models.rerank.PairScores;

/**
 * A cross-encoder's scores for one mining pass: each distinct query's candidates are scored once, in one scorer
 * call, and each (query, positive) once; every pair of that query reuses them.
 */
final class CrossEncoderScores<T> {

    private final PairScorer<T, T> scorer;
    private final List<T> queries;
    private final List<T> items;
    /** Per query: corpus row → score. */
    private final Map<Integer, Map<Long, Double>> byQuery = new HashMap<>();
    /** Per query: positive (by content) → score. */
    private final Map<Integer, Map<String, Double>> positives = new HashMap<>();

    CrossEncoderScores(PairScorer<T, T> scorer, List<T> queries, List<T> items) {
        this.scorer = scorer;
        this.queries = queries;
        this.items = items;
    }

    /**
     * The scores of a query's ranked candidates, by position in its search result (other positions NaN).
     *
     * @param query the query's index
     * @param rows the search result's corpus rows
     * @param ranked the positions to score
     * @return one value per position of {@code rows}
     */
    double[] candidates(int query, long[] rows, List<Integer> ranked) {
        Map<Long, Double> known = byQuery.computeIfAbsent(query, q -> new HashMap<>());
        List<Long> missing = new ArrayList<>();
        for (int j : ranked) {
            if (!known.containsKey(rows[j])) {
                missing.add(rows[j]);
            }
        }
        if (!missing.isEmpty()) {
            List<T> records = new ArrayList<>(missing.size());
            missing.forEach(r -> records.add(items.get(r.intValue())));
            float[] s = scored(query, records);
            for (int n = 0; n < s.length; n++) {
                known.put(missing.get(n), (double) s[n]);
            }
        }
        double[] out = new double[rows.length];
        java.util.Arrays.fill(out, Double.NaN);
        for (int j : ranked) {
            out[j] = known.get(rows[j]);
        }
        return out;
    }

    /**
     * The score of a query's positive.
     *
     * @param query the query's index
     * @param positive the positive record
     * @return its score
     */
    double positive(int query, T positive) {
        return positives.computeIfAbsent(query, q -> new HashMap<>()).computeIfAbsent(RecordHash.of(positive),
                k -> (double) scored(query, List.of(positive))[0]);
    }

    private float[] scored(int query, List<T> records) {
        return PairScores.checked(scorer.score(queries.get(query), records), records.size(), "records while mining",
                i -> "record " + i + " of query " + query + " while mining");
    }
}
