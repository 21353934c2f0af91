package org.quaterion.eval.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.EarlyStopping;
import org.quaterion.train.ExponentialMovingAverage;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * The IR evaluation inside a fit: its metrics in every epoch row, early stopping on {@code ir_ndcg@10}. The task:
 * each query's document is the query under a fixed random linear map, so the frozen identity encoder ranks
 * documents poorly until the trained linear head learns to align the two.
 */
class IrEvaluationFitTest {

    private static final int DIM = 16;
    private static final int PAIRS = 48;

    /** Text → vector, looked up in a table. */
    private static final Map<String, float[]> VECTORS = new HashMap<>();
    private static final List<SimilarityPairSample<String>> DATA = new ArrayList<>();

    static {
        Random random = new Random(7);
        double[][] map = new double[DIM][DIM];
        for (double[] row : map) {
            for (int j = 0; j < DIM; j++) {
                row[j] = random.nextGaussian();
            }
        }
        for (int i = 0; i < PAIRS; i++) {
            float[] q = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                q[j] = (float) random.nextGaussian();
            }
            float[] d = new float[DIM];
            for (int r = 0; r < DIM; r++) {
                double s = 0;
                for (int j = 0; j < DIM; j++) {
                    s += map[r][j] * q[j];
                }
                d[r] = (float) s;
            }
            VECTORS.put("q" + i, q);
            VECTORS.put("d" + i, d);
            DATA.add(new SimilarityPairSample<>("q" + i, "d" + i, 1.0, i));
        }
    }

    private static IrDataset irSet() {
        IrDataset.Builder b = IrDataset.builder();
        for (int i = 0; i < PAIRS; i++) {
            b.addQuery("Q" + i, "q" + i).addDocument("D" + i, "d" + i).addRelevant("Q" + i, "D" + i);
        }
        return b.build();
    }

    /** A frozen table-lookup text encoder and a trainable linear head. */
    static final class TextModel extends TrainableModel<String> {
        private final double learningRate;

        TextModel(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("text", BlockEncoder.<String>builder().setTypeName("table")
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
            return new MultipleNegativesRankingLoss();
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(learningRate);
        }
    }

    private static PairsSimilarityDataLoader<String> loader() {
        return new PairsSimilarityDataLoader<>(DATA, LoaderOptions.batchSize(16).withShuffle(3).withDropLast());
    }

    private static TrainerConfig config(int epochs, IrEvaluation evaluation, int patience) {
        return TrainerConfig.defaults().withMaxEpochs(epochs).withProgressBar(false).withSeed(11)
                .withCallback(evaluation).withEarlyStopping(new EarlyStopping("ir_ndcg@10", false, patience, 0))
                .withRestoreBest(false);
    }

    @Test
    void trainingRaisesNdcgAndEveryRowHoldsTheMetrics() throws IOException {
        IrEvaluation evaluation = new IrEvaluation(new IrEvaluator(irSet()));
        try (TextModel model = new TextModel(0.05)) {
            FitResult result = Quaterion.fit(model, config(8, evaluation, 8), loader(), null);
            List<Map<String, Double>> rows = result.epochs().stream().map(e -> e.values()).toList();
            for (Map<String, Double> row : rows) {
                assertTrue(row.keySet().containsAll(evaluation.keys()), row.keySet().toString());
            }
            double first = rows.get(0).get("ir_ndcg@10");
            double last = rows.get(rows.size() - 1).get("ir_ndcg@10");
            assertTrue(last > first + 0.2, "NDCG@10 " + first + " -> " + last);
            // the row holds what the evaluator measures on the model (no weight average, no restore)
            assertEquals(last, new IrEvaluator(irSet()).evaluate(model.model()).get("ndcg@10"), 1e-9);
            assertEquals(rows.get(rows.size() - 1).get("ir_recall@1"), evaluation.lastResult().orElseThrow()
                    .get("recall@1"));
        }
    }

    @Test
    void earlyStoppingMonitorsTheIrMetric() throws IOException {
        // a learning rate too small to change any ranking: NDCG@10 never improves after epoch 1, patience 2
        IrEvaluation evaluation = new IrEvaluation(new IrEvaluator(irSet()));
        try (TextModel model = new TextModel(1e-9)) {
            FitResult result = Quaterion.fit(model, config(10, evaluation, 2), loader(), null);
            assertTrue(result.stoppedEarly());
            assertEquals(3, result.epochs().size());
            assertEquals(1, result.bestEpoch());
            double first = result.epochs().get(0).values().get("ir_ndcg@10");
            assertEquals(first, result.epochs().get(2).values().get("ir_ndcg@10"));
            assertEquals(first, result.bestValues().get("ir_ndcg@10"));
        }
    }

    @Test
    void evaluatesTheWeightAverage() throws IOException {
        // with an EMA the model ends holding the average: the last row was measured on those weights
        IrEvaluation evaluation = new IrEvaluation("avg", new IrEvaluator(irSet()));
        try (TextModel model = new TextModel(0.05)) {
            FitResult result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(3).withProgressBar(false)
                    .withSeed(11).withCallback(evaluation).withCallback(new ExponentialMovingAverage(0.9)), loader(),
                    null);
            Map<String, Double> last = result.epochs().get(2).values();
            IrResult now = new IrEvaluator(irSet()).evaluate(model.model());
            for (String metric : now.metrics().keySet()) {
                assertEquals(now.get(metric), last.get("avg_" + metric), 1e-9, metric);
            }
        }
    }

    @Test
    void refusesAMonitorTheEvaluationDoesNotCompute() {
        IrEvaluation evaluation = new IrEvaluation(new IrEvaluator(irSet()));
        try (TextModel model = new TextModel(0.05)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false).withCallback(evaluation)
                            .withEarlyStopping(new EarlyStopping("ir_ndcg@5", false, 2, 0)), loader(), null));
            assertTrue(e.getMessage().startsWith("the run monitors 'ir_ndcg@5', which the IR evaluation 'ir' does "
                    + "not compute; it adds [ir_accuracy@1,"), e.getMessage());
        }
    }
}
