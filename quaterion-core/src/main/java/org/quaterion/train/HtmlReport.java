package org.quaterion.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.quaterion.classify.ClassificationReport;
import org.quaterion.classify.KnnClassifier;
import org.quaterion.distance.Distance;
import org.quaterion.train.report.ReportCharts;
import org.quaterion.train.report.TrainingReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code report.html} into the output directory when the fit ends: what was trained, the curves, the epoch
 * table, maps of up to {@code maxSamples} validation (or training) embeddings and, for group data with 2 to 30
 * groups, a leave-one-out kNN classification of them (neither for a cross-encoder's scored pairs, whose outputs are
 * scores). The report is a convenience: a failure to write it is logged
 * and never fails the run. Added by {@link TrainerConfig#withOutputDir}.
 */
public final class HtmlReport implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);

    private final Distance distance;
    private final int k;
    private final int maxSamples;
    private long start;

    /** The defaults: cosine distance, k = 5, up to 1,000 samples. */
    public HtmlReport() {
        this(Distance.cosine(), 5, 1000);
    }

    /**
     * A report with its own kNN settings.
     *
     * @param distance the distance of the kNN classification
     * @param k neighbours that vote, at least 1
     * @param maxSamples embeddings shown, at least 1
     */
    public HtmlReport(Distance distance, int k, int maxSamples) {
        if (distance == null || k < 1 || maxSamples < 1) {
            throw new IllegalArgumentException("the report needs a distance, k >= 1 and maxSamples >= 1");
        }
        this.distance = distance;
        this.k = k;
        this.maxSamples = maxSamples;
    }

    @Override
    public int order() {
        return ORDER_LATE;
    }

    @Override
    public void onFitStart(TrainingContext context) {
        if (context.outputDir().isEmpty()) {
            throw new IllegalArgumentException("the report needs an output directory: call withOutputDir");
        }
        start = System.nanoTime();
    }

    @Override
    public void onFitEnd(TrainingContext context, String stoppedBy) {
        try {
            write(context, stoppedBy);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write report.html: {}", e.toString());
        }
    }

    private void write(TrainingContext context, String stoppedBy) throws IOException {
        Samples samples = new Samples();
        context.embedBatches((batch, embeddings) -> {
            if (batch.match(g -> g.targets() != null, p -> false)) {
                return false; // a cross-encoder's outputs are scores of pairs, not embeddings to map
            }
            samples.add(batch, embeddings.toType(DataType.FLOAT32, false).toFloatArray());
            return samples.rows.size() < maxSamples;
        });
        long[] groups = samples.colours.stream().mapToLong(Long::longValue).toArray();
        ClassificationReport knn = null;
        long classes = Arrays.stream(groups).distinct().count();
        if (samples.groupData && samples.rows.size() >= k + 1 && classes >= 2 && classes <= 30) {
            try (NDManager manager = context.manager().newSubManager()) {
                knn = KnnClassifier.leaveOneOut(manager.create(samples.rows.toArray(new float[0][])), groups,
                        distance, k, KnnClassifier.Vote.MAJORITY);
            }
        }
        var model = context.model();
        List<String[]> header = new ArrayList<>();
        header.add(new String[] {"model", model.encoders().keySet() + " encoders (" + model.encoders().values()
                .stream().map(e -> e.getClass().getSimpleName()).toList() + "), head " + model.head().typeName()
                + ", " + model.embeddingSize() + " dimensions"});
        JsonObject record = context.trainingRecord();
        for (String key : new String[] {"loss", "dataset_losses", "miner", "optimizer", "trainer", "data"}) {
            if (record.has(key) && !record.get(key).isJsonNull()) {
                header.add(new String[] {key, Samples.abbreviate(record.get(key).toString())});
            }
        }
        header.add(new String[] {"epochs run", context.completedEpochs() + ", stopped by " + stoppedBy});
        String monitor = context.config().monitor().map(Monitor::name).orElse(null);
        boolean restores = context.config().callback(RestoreBestWeights.class).isPresent();
        if (context.bestEpoch() > 0) {
            header.add(new String[] {"best epoch", context.bestEpoch() + " (" + monitor + " = "
                    + ReportCharts.format(context.bestValue()) + ")" + (restores ? ", its weights restored" : "")});
        }
        header.add(new String[] {"wall time", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start)
                / 1e9)});
        header.add(new String[] {"library", record.has("library_version") ? record.get("library_version")
                .getAsString() : "?"});
        TrainingReport.write(context.outputDir().orElseThrow().resolve("report.html"), new TrainingReport.Page(
                "Training report: " + context.trainable().getClass().getSimpleName(), header, context.history(),
                context.bestEpoch() - 1, monitor, samples.rows.toArray(new float[0][]), groups,
                samples.titles.toArray(new String[0]), samples.text && !samples.titles.isEmpty(), knn,
                context.config().callback(MetricsFile.class).map(MetricsFile::fileName).orElse(null)));
    }

    /** The embeddings shown, their colour groups and hover titles. */
    private static final class Samples {
        final List<float[]> rows = new ArrayList<>();
        final List<Long> colours = new ArrayList<>();
        final List<String> titles = new ArrayList<>();
        boolean text = true;
        boolean groupData;

        void add(org.quaterion.dataset.Batch<?> batch, float[] flat) {
            groupData = batch.match(g -> true, p -> false);
            int n = batch.match(g -> g.size(), p -> 2 * p.rows().length); // the map leaves negatives out
            int d = flat.length / batch.size();
            for (int i = 0; i < n; i++) {
                rows.add(Arrays.copyOfRange(flat, i * d, (i + 1) * d));
                // groups by group; pairs by pair, so both sides of a pair share a colour
                int at = i;
                colours.add(batch.match(g -> g.groups()[at], p -> (long) p.rows()[at % (n / 2)]));
                Object record = batch.records() == null ? null : batch.records().get(i);
                text &= record instanceof String;
                String key = batch.match(g -> "row " + g.rows()[at] + ", group " + g.groups()[at],
                        p -> "pair " + p.rows()[at % (n / 2)] + (at < n / 2 ? " a" : " b"));
                titles.add(record instanceof String str ? abbreviate(str) + " (" + key + ")" : key);
            }
        }

        static String abbreviate(String s) {
            return s.length() > 120 ? s.substring(0, 117) + "..." : s;
        }
    }

    @Override
    public String toString() {
        return "HtmlReport{distance=" + distance.config() + ", k=" + k + ", maxSamples=" + maxSamples + "}";
    }
}
