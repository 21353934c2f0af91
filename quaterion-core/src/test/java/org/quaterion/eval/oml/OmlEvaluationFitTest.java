package org.quaterion.eval.oml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.OmlCsv;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.OmlEmbeddingMetrics;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * OML's validation inside a fit: every epoch row holds the overall and per-category metrics, equal to what the
 * evaluation measures on the trained model; a monitor it does not compute is refused; an OML CSV's validation split
 * is read with its flags and categories.
 */
class OmlEvaluationFitTest {

    private static final int DIM = 8;
    private static final Map<String, float[]> VECTORS = new HashMap<>();
    private static final List<SimilarityGroupSample<String>> DATA = new ArrayList<>();

    static {
        Random random = new Random(5);
        for (int label = 0; label < 4; label++) {
            float[] centre = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                centre[j] = (float) random.nextGaussian();
            }
            for (int i = 0; i < 6; i++) {
                float[] v = new float[DIM];
                for (int j = 0; j < DIM; j++) {
                    v[j] = centre[j] + (float) (1.5 * random.nextGaussian());
                }
                String key = "r" + label + "_" + i;
                VECTORS.put(key, v);
                DATA.add(new SimilarityGroupSample<>(key, label));
            }
        }
    }

    /** A frozen table-lookup encoder and a trainable linear head. */
    static final class TableModel extends TrainableModel<String> {
        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("table", BlockEncoder.<String>builder().setTypeName("table")
                    .setBlock(new LambdaBlock(list -> new NDList(list.head()), "identity"))
                    .setCollator((records, manager) -> new NDList(manager.create(records.stream().map(VECTORS::get)
                            .toArray(float[][]::new))))
                    .setEmbeddingSize(DIM).optTrainable(false).optInputShapes(new Shape(1, DIM)).build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return LinearHead.builder().setInputSize(inputSize).setOutputSize(DIM).optBias(false).build();
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new TripletLoss();
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(0.01);
        }
    }

    private static OmlEvaluation<String> evaluation() {
        int n = DATA.size();
        long[] labels = new long[n];
        boolean[] query = new boolean[n];
        boolean[] gallery = new boolean[n];
        String[] categories = new String[n];
        List<String> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(DATA.get(i).obj());
            labels[i] = DATA.get(i).group();
            query[i] = i % 2 == 0;
            gallery[i] = true;
            categories[i] = labels[i] < 2 ? "low" : "high";
        }
        OmlEmbeddingMetrics metrics = new OmlEmbeddingMetrics(List.of(1, 5), List.of(5), List.of(5), List.of(5),
                List.of(0.1), List.of(0.5), Distance.euclidean());
        return new OmlEvaluation<>("oml", records, labels, query, gallery, categories, metrics, 16);
    }

    private static GroupSimilarityDataLoader<String> loader() {
        return new GroupSimilarityDataLoader<>(DATA, LoaderOptions.batchSize(12).withShuffle(3));
    }

    @Test
    void everyRowHoldsOverallAndCategoryMetrics() throws IOException {
        OmlEvaluation<String> evaluation = evaluation();
        try (TableModel model = new TableModel()) {
            FitResult result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false)
                    .withSeed(3).withCallback(evaluation).withEarlyStopping(null).withRestoreBest(false), loader(),
                    null);
            for (var epoch : result.epochs()) {
                assertTrue(epoch.values().keySet().containsAll(evaluation.keys()), epoch.values().keySet().toString());
            }
            assertTrue(evaluation.keys().containsAll(List.of("oml_OVERALL/cmc/1", "oml_low/map/5",
                    "oml_high/ndcg/5", "oml_OVERALL/fnmr@fmr/0.1", "oml_high/pcf/0.5")), evaluation.keys().toString());
            Map<String, Double> now = evaluation.evaluate(model.model());
            Map<String, Double> lastRow = result.epochs().get(1).values();
            now.forEach((metric, value) -> assertEquals(value, lastRow.get("oml_" + metric), 1e-9, metric));
            assertEquals(now, evaluation.lastResult().orElseThrow());
        }
    }

    @Test
    void refusesAMonitorItDoesNotCompute() {
        try (TableModel model = new TableModel()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false).withCallback(evaluation())
                            .withEarlyStopping(new EarlyStopping("oml_OVERALL/cmc/2", false, 2, 0)), loader(), null));
            assertTrue(e.getMessage().startsWith("the run monitors 'oml_OVERALL/cmc/2'"), e.getMessage());
        }
    }

    @Test
    void readsTheValidationSplitOfAnOmlCsv(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("df.csv");
        Files.writeString(csv, String.join("\n", "label,path,split,is_query,is_gallery,category",
                "0,r0_0,train,,,low", "0,r0_1,validation,true,false,low", "0,r0_2,validation,false,true,low",
                "2,r2_0,validation,true,true,high", "2,r2_1,validation,false,true,high"));
        OmlEvaluation<String> e = OmlEvaluation.fromOmlCsv(OmlCsv.read(csv), OmlEmbeddingMetrics.defaults(), 8);
        assertEquals(List.of("oml_OVERALL/cmc/5", "oml_OVERALL/precision/5", "oml_OVERALL/map/5",
                "oml_OVERALL/ndcg/5", "oml_OVERALL/pcf/0.5", "oml_high/cmc/5", "oml_high/precision/5",
                "oml_high/map/5", "oml_high/ndcg/5", "oml_high/pcf/0.5", "oml_low/cmc/5", "oml_low/precision/5",
                "oml_low/map/5", "oml_low/ndcg/5", "oml_low/pcf/0.5"), e.keys());
        try (TableModel model = new TableModel()) {
            Map<String, Double> values = e.evaluate(model.model());
            // low: the query r0_1 finds its only gallery positive r0_2 among the three gallery rows
            assertEquals(e.keys().size(), values.size());
            assertTrue(values.get("low/cmc/5") == 1.0, values.toString());
        }
    }
}
