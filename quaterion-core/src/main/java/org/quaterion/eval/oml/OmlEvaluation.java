package org.quaterion.eval.oml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.quaterion.dataset.OmlCsv;
import org.quaterion.eval.OmlEmbeddingMetrics;
import org.quaterion.models.SimilarityModel;
import org.quaterion.train.Callback;
import org.quaterion.train.Monitor;
import org.quaterion.train.TrainingContext;

/**
 * OML's validation inside a fit: at the end of every epoch, encodes a query/gallery set with the evaluated weights
 * (the weight average when one is kept), computes {@link OmlEmbeddingMetrics} and adds them to the epoch's row as
 * {@code <prefix>_<category>/<metric>} ({@code oml_OVERALL/cmc/5}, {@code oml_shoes/map/5}): the monitor, early
 * stopping, the best weights, the history and the metrics files see them. To stop on OML's CMC@1:
 * {@code withEarlyStopping(new EarlyStopping("oml_OVERALL/cmc/1", false, patience, 0))}.
 *
 * @param <T> record type
 */
public final class OmlEvaluation<T> implements Callback {

    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "oml";

    private final String prefix;
    private final List<T> records;
    private final long[] labels;
    private final boolean[] isQuery;
    private final boolean[] isGallery;
    private final String[] categories;
    private final OmlEmbeddingMetrics metrics;
    private final int encodeBatchSize;
    private Map<String, Double> last;

    /**
     * Evaluates a labelled query/gallery set every epoch.
     *
     * @param prefix letters, digits, '_' or '-'
     * @param records the records, encoded by the model being trained
     * @param labels one per record
     * @param isQuery one per record; at least one true
     * @param isGallery one per record; at least one true
     * @param categories one per record, or null for overall metrics only
     * @param metrics what to compute
     * @param encodeBatchSize records per forward pass, at least 1
     */
    public OmlEvaluation(String prefix, List<T> records, long[] labels, boolean[] isQuery, boolean[] isGallery,
            String[] categories, OmlEmbeddingMetrics metrics, int encodeBatchSize) {
        if (prefix == null || !prefix.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("the OML evaluation prefix must be letters, digits, '_' or '-', got "
                    + prefix);
        }
        if (records == null || records.isEmpty() || metrics == null) {
            throw new IllegalArgumentException("OmlEvaluation needs records and an OmlEmbeddingMetrics");
        }
        int n = records.size();
        if (labels.length != n || isQuery.length != n || isGallery.length != n
                || (categories != null && categories.length != n)) {
            throw new IllegalArgumentException("give one label, isQuery, isGallery (and category) per record: "
                    + n + " records, " + labels.length + " labels, " + isQuery.length + " isQuery, "
                    + isGallery.length + " isGallery" + (categories == null ? "" : ", " + categories.length
                    + " categories"));
        }
        if (encodeBatchSize < 1) {
            throw new IllegalArgumentException("encodeBatchSize must be >= 1, got " + encodeBatchSize);
        }
        this.prefix = prefix;
        this.records = List.copyOf(records);
        this.labels = labels.clone();
        this.isQuery = isQuery.clone();
        this.isGallery = isGallery.clone();
        this.categories = categories == null ? null : categories.clone();
        this.metrics = metrics;
        this.encodeBatchSize = encodeBatchSize;
    }

    /**
     * The validation rows of an OML CSV ({@code split == validation}), each record made from its {@code path} (a
     * file or a text); categories when the file has them.
     *
     * @param rows the rows of {@link OmlCsv#read}
     * @param metrics what to compute
     * @param encodeBatchSize records per forward pass
     * @return the evaluation, with the default prefix
     */
    public static OmlEvaluation<String> fromOmlCsv(List<OmlCsv.Row> rows, OmlEmbeddingMetrics metrics,
            int encodeBatchSize) {
        List<OmlCsv.Row> validation = rows.stream().filter(r -> "validation".equals(r.split())).toList();
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("the OML CSV has no validation rows (split = validation) to evaluate");
        }
        int n = validation.size();
        long[] labels = new long[n];
        boolean[] query = new boolean[n];
        boolean[] gallery = new boolean[n];
        String[] categories = validation.get(0).category() == null ? null : new String[n];
        List<String> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            OmlCsv.Row r = validation.get(i);
            records.add(r.path());
            labels[i] = r.label();
            query[i] = r.isQuery();
            gallery[i] = r.isGallery();
            if (categories != null) {
                categories[i] = r.category();
            }
        }
        return new OmlEvaluation<>(DEFAULT_PREFIX, records, labels, query, gallery, categories, metrics,
                encodeBatchSize);
    }

    /**
     * Encodes the set with a model and computes the metrics.
     *
     * @param model the model
     * @return flat key ({@code OVERALL/cmc/5}) to value
     */
    public Map<String, Double> evaluate(SimilarityModel<T> model) {
        try (NDManager manager = model.manager().newSubManager()) {
            NDArray embeddings = model.encodeToArray(records, encodeBatchSize, manager);
            return OmlEmbeddingMetrics.flatten(metrics.compute(embeddings, labels, isQuery, isGallery, categories));
        }
    }

    /**
     * The row key of a metric.
     *
     * @param metric such as {@code OVERALL/cmc/5}
     * @return such as {@code oml_OVERALL/cmc/5}
     */
    public String key(String metric) {
        return prefix + "_" + metric;
    }

    /**
     * The values of the latest epoch's evaluation, by metric (without the prefix).
     *
     * @return the values, empty before the first epoch ended
     */
    public Optional<Map<String, Double>> lastResult() {
        return Optional.ofNullable(last);
    }

    /**
     * Every key this callback adds to an epoch's row.
     *
     * @return the keys
     */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        Map<String, Boolean> hasQueries = new LinkedHashMap<>();
        hasQueries.put(OmlEmbeddingMetrics.OVERALL, true);
        if (categories != null) {
            TreeSet<String> sorted = new TreeSet<>(java.util.Arrays.asList(categories));
            for (String c : sorted) {
                boolean any = false;
                for (int i = 0; i < categories.length; i++) {
                    any |= isQuery[i] && c.equals(categories[i]);
                }
                hasQueries.put(c, any);
            }
        }
        hasQueries.forEach((category, queries) -> {
            if (queries) {
                metrics.cmcTopK().forEach(k -> out.add(key(category + "/cmc/" + k)));
                metrics.precisionTopK().forEach(k -> out.add(key(category + "/precision/" + k)));
                metrics.mapTopK().forEach(k -> out.add(key(category + "/map/" + k)));
                metrics.ndcgTopK().forEach(k -> out.add(key(category + "/ndcg/" + k)));
            }
            metrics.pcfVariance().forEach(r -> out.add(key(category + "/pcf/" + r)));
            if (category.equals(OmlEmbeddingMetrics.OVERALL)) {
                metrics.fmrValues().forEach(f -> out.add(key(category + "/fnmr@fmr/" + f)));
            }
        });
        return out;
    }

    @Override
    public String name() {
        return "OmlEvaluation_" + prefix;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        Optional<String> monitored = context.config().monitor().map(Monitor::name);
        if (monitored.isPresent() && monitored.get().startsWith(prefix + "_") && !keys().contains(monitored.get())) {
            throw new IllegalArgumentException("the run monitors '" + monitored.get() + "', which the OML evaluation '"
                    + prefix + "' does not compute; it adds " + keys());
        }
    }

    @Override
    public void beforeEpochEnd(TrainingContext context) {
        @SuppressWarnings("unchecked")
        SimilarityModel<T> model = (SimilarityModel<T>) context.model();
        List<Map<String, Double>> result = new ArrayList<>(1);
        context.withEvaluatedWeights(() -> result.add(evaluate(model)));
        last = result.get(0);
        last.forEach((metric, value) -> context.addEpochValue(key(metric), value));
    }

    @Override
    public String toString() {
        return "OmlEvaluation{" + prefix + ", " + records.size() + " records}";
    }
}
