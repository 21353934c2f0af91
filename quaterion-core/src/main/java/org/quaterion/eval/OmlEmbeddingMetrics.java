package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.quaterion.distance.Distance;
import org.quaterion.search.ExactKnn;

/**
 * OML's {@code EmbeddingMetrics} on a query/gallery split: {@code cmc/k}, {@code precision/k}, {@code map/k} and
 * {@code ndcg/k} over the queries, {@code pcf/r} over the embeddings and {@code fnmr@fmr/f} over every (query,
 * gallery) pair, reported for {@link #OVERALL} and, when rows carry categories, for each category as OML does: a
 * category's retrieval metrics average its queries (the gallery stays whole), its PCF is that of its rows; FNMR@FMR is
 * reported overall only. Keys follow OML's flattened names ({@code "cmc/5"}, {@code "pcf/0.5"},
 * {@code "fnmr@fmr/0.1"}). A category none of whose queries has a relevant gallery item reports NaN for its retrieval
 * metrics (nothing to measure).
 *
 * @param cmcTopK cut-offs of {@code cmc@k}
 * @param precisionTopK cut-offs of {@code precision@k}
 * @param mapTopK cut-offs of {@code map@k}
 * @param ndcgTopK cut-offs of {@code ndcg@k}
 * @param fmrValues false match rates of {@code fnmr@fmr}, each in [0, 1]
 * @param pcfVariance explained-variance levels of {@code pcf}, each in [0, 1]
 * @param distance the distance of the search and of the pair distances (OML uses euclidean)
 */
public record OmlEmbeddingMetrics(List<Integer> cmcTopK, List<Integer> precisionTopK, List<Integer> mapTopK,
        List<Integer> ndcgTopK, List<Double> fmrValues, List<Double> pcfVariance, Distance distance) {

    /** The key of the metrics over every query and row. */
    public static final String OVERALL = "OVERALL";

    /** Validates the configuration. */
    public OmlEmbeddingMetrics {
        cmcTopK = positive(cmcTopK, "cmcTopK");
        precisionTopK = positive(precisionTopK, "precisionTopK");
        mapTopK = positive(mapTopK, "mapTopK");
        ndcgTopK = positive(ndcgTopK, "ndcgTopK");
        fmrValues = unit(fmrValues, "fmrValues");
        pcfVariance = unit(pcfVariance, "pcfVariance");
        if (distance == null) {
            throw new IllegalArgumentException("OmlEmbeddingMetrics needs a distance (OML's is Distance.euclidean())");
        }
    }

    /**
     * OML's defaults: {@code cmc@5}, {@code precision@5}, {@code map@5}, {@code pcf@0.5}, no FNMR@FMR (OML turns it
     * off by default for its cost), euclidean distance; plus {@code ndcg@5}.
     *
     * @return the configuration
     */
    public static OmlEmbeddingMetrics defaults() {
        return new OmlEmbeddingMetrics(List.of(5), List.of(5), List.of(5), List.of(5), List.of(), List.of(0.5),
                Distance.euclidean());
    }

    /**
     * Computes the metrics.
     *
     * @param embeddings {@code (n, d)}
     * @param labels one per row
     * @param isQuery one per row
     * @param isGallery one per row
     * @param categories one per row, or null for overall metrics only
     * @return {@link #OVERALL}, then each category in sorted order, to metric key to value
     */
    public Map<String, Map<String, Double>> compute(NDArray embeddings, long[] labels, boolean[] isQuery,
            boolean[] isGallery, String[] categories) {
        if (categories != null && categories.length != labels.length) {
            throw new IllegalArgumentException("categories has " + categories.length + " entries for "
                    + labels.length + " rows; give one per row (or null)");
        }
        int gallery = (int) IntStream.range(0, isGallery.length).filter(i -> isGallery[i]).count();
        int depth = Math.max(1, Math.min(gallery, maxK()));
        RetrievalMetrics all = RetrievalProtocol.queryGallery(new ExactKnn(distance), embeddings, labels, isQuery,
                isGallery, depth);
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        Map<String, Double> overall = retrieval(all);
        overall.putAll(pcf(embeddings));
        if (!fmrValues.isEmpty()) {
            VerificationMetrics v = VerificationMetrics.queryGallery(distance, embeddings, labels, isQuery,
                    isGallery);
            fmrValues.forEach(f -> overall.put("fnmr@fmr/" + f, v.fnmrAtFmr(f)));
        }
        out.put(OVERALL, overall);
        if (categories == null) {
            return out;
        }
        Map<String, List<Integer>> queriesOf = new TreeMap<>();
        Map<String, List<Integer>> rowsOf = new TreeMap<>();
        for (int row = 0, q = 0; row < labels.length; row++) {
            if (categories[row] == null) {
                throw new IllegalArgumentException("row " + row + " has no category; give every row one (or "
                        + "pass categories = null)");
            }
            rowsOf.computeIfAbsent(categories[row], c -> new ArrayList<>()).add(row);
            if (isQuery[row]) {
                queriesOf.computeIfAbsent(categories[row], c -> new ArrayList<>()).add(q++);
            }
        }
        for (Map.Entry<String, List<Integer>> category : rowsOf.entrySet()) {
            Map<String, Double> values = new LinkedHashMap<>();
            List<Integer> queries = queriesOf.get(category.getKey());
            if (queries != null) {
                values.putAll(retrieval(all.forQueries(queries.stream().mapToInt(Integer::intValue).toArray())));
            }
            try (NDScope scope = new NDScope()) {
                long[] rows = category.getValue().stream().mapToLong(Integer::longValue).toArray();
                values.putAll(pcf(embeddings.get(embeddings.getManager().create(rows))));
            }
            out.put(category.getKey(), values);
        }
        return out;
    }

    /**
     * The metrics flattened as OML logs them: {@code "<category>/<metric>/<k>"}, e.g. {@code "OVERALL/cmc/5"}.
     *
     * @param metrics what {@link #compute} returned
     * @return flat key to value, in the same order
     */
    public static Map<String, Double> flatten(Map<String, Map<String, Double>> metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((category, values) -> values.forEach((key, v) -> out.put(category + "/" + key, v)));
        return out;
    }

    private Map<String, Double> retrieval(RetrievalMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        cmcTopK.forEach(k -> out.put("cmc/" + k, m.cmcAt(k)));
        precisionTopK.forEach(k -> out.put("precision/" + k, m.precisionAt(k)));
        mapTopK.forEach(k -> out.put("map/" + k, m.mapAt(k)));
        ndcgTopK.forEach(k -> out.put("ndcg/" + k, m.ndcgAt(k)));
        return out;
    }

    private Map<String, Double> pcf(NDArray rows) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (!pcfVariance.isEmpty()) {
            PrincipalComponents pc = PrincipalComponents.fit(rows);
            pcfVariance.forEach(r -> out.put("pcf/" + r, pc.pcf(r)));
        }
        return out;
    }

    private int maxK() {
        int k = 1;
        for (List<Integer> ks : List.of(cmcTopK, precisionTopK, mapTopK, ndcgTopK)) {
            for (int x : ks) {
                k = Math.max(k, x);
            }
        }
        return k;
    }

    private static List<Integer> positive(List<Integer> ks, String name) {
        if (ks == null) {
            throw new IllegalArgumentException(name + " is null; give an empty list to skip the metric");
        }
        for (Integer k : ks) {
            if (k == null || k < 1) {
                throw new IllegalArgumentException(name + " must hold integers >= 1, got " + ks);
            }
        }
        return List.copyOf(ks);
    }

    private static List<Double> unit(List<Double> values, String name) {
        if (values == null) {
            throw new IllegalArgumentException(name + " is null; give an empty list to skip the metric");
        }
        for (Double v : values) {
            if (v == null || !(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must hold numbers in [0, 1], got " + values);
            }
        }
        return List.copyOf(values);
    }
}
