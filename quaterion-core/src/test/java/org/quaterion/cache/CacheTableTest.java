package org.quaterion.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.eval.AttachedMetric.Stage;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/**
 * The device table of an AUTO cache: batches gathered from it by position train bit-identically to rows read from
 * the store (CPU), for group, pair (with explicit negatives) and partly cached models; the table lives on the model's
 * manager for the fit only; gathered rows belong to the caller's manager.
 */
class CacheTableTest {

    private static final int DIM = 12;

    /** A frozen tanh encoder, optionally beside a trainable linear one, under a linear head. */
    private static final class Model extends CacheTestModel {
        private final boolean withTrainableEncoder;
        /** Shapes of the arrays under the model's manager, seen at the end of the first training step. */
        private List<Shape> duringFit;

        Model(CacheConfig<float[]> cache, SimilarityLoss loss, boolean withTrainableEncoder) {
            super(cache, loss);
            this.withTrainableEncoder = withTrainableEncoder;
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            Map<String, Encoder<float[]>> encoders = new LinkedHashMap<>();
            encoders.put("frozen", TestModels.lambdaEncoder("tanh2", DIM, x -> x.mul(2).tanh()));
            if (withTrainableEncoder) {
                encoders.put("live", BlockEncoder.<float[]>builder().setTypeName("linear")
                        .setBlock(ai.djl.nn.core.Linear.builder().setUnits(4).build())
                        .setCollator(Collators.floatVectors()).setEmbeddingSize(4).optTrainable(true)
                        .optInputShapes(new Shape(1, DIM)).build());
            }
            return encoders;
        }

        @Override
        protected void processResults(NDArray embeddings, Batch<float[]> batch, int batchIndex, Stage stage) {
            if (duringFit == null && stage == Stage.TRAIN) {
                duringFit = shapes(model().manager());
            }
        }
    }

    private static List<Shape> shapes(NDManager manager) {
        List<Shape> out = new ArrayList<>();
        manager.getManagedArrays().forEach(a -> out.add(a.getShape()));
        return out;
    }

    private static float[] vector(Random random) {
        return GaussianData.vector(random, DIM);
    }

    private static List<SimilarityGroupSample<float[]>> groups(int n, long seed) {
        return GaussianData.groups(n, DIM, 6, seed);
    }

    private static <B extends Batch<float[]>> List<Double> fit(CacheType type, SimilarityLoss loss,
            boolean withTrainableEncoder, SimilarityDataLoader<?, B> train, SimilarityDataLoader<?, B> val)
            throws Exception {
        try (Model model = new Model(type == null ? null : CacheConfig.of(type), loss, withTrainableEncoder)) {
            FitResult result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(3).withProgressBar(false)
                    .withEarlyStopping(null), train, val);
            List<Double> out = new ArrayList<>(result.stepLosses());
            result.epochs().forEach(e -> out.add(e.get("validation_loss")));
            return out;
        }
    }

    @Test
    void gatheringFromTheDeviceTableTrainsBitIdenticallyToReadingTheStore() throws Exception {
        List<SimilarityGroupSample<float[]>> data = groups(84, 1);
        for (boolean mixed : new boolean[] {false, true}) {
            GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(data.subList(0, 60),
                    LoaderOptions.batchSize(12).withShuffle(3));
            GroupSimilarityDataLoader<float[]> val = new GroupSimilarityDataLoader<>(data.subList(60, 84),
                    LoaderOptions.batchSize(12));
            assertEquals(fit(CacheType.CPU, new TripletLoss(), mixed, train, val),
                    fit(CacheType.AUTO, new TripletLoss(), mixed, train, val), "groups, trainable encoder: " + mixed);
        }
        Random random = new Random(9);
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pool.add(vector(random));
        }
        List<SimilarityPairSample<float[]>> pairs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            float[] a = vector(random);
            pairs.add(SimilarityPairSample.of(a, a.clone(), 1)
                    .withNegatives(pool.subList(i % 8, i % 8 + Math.min(i % 4, 8 - i % 8))));
        }
        for (boolean mixed : new boolean[] {false, true}) {
            PairsSimilarityDataLoader<float[]> train = new PairsSimilarityDataLoader<>(pairs.subList(0, 30),
                    LoaderOptions.batchSize(10).withShuffle(1));
            PairsSimilarityDataLoader<float[]> val = new PairsSimilarityDataLoader<>(pairs.subList(30, 40),
                    LoaderOptions.batchSize(10));
            List<Double> auto = fit(CacheType.AUTO, new MultipleNegativesRankingLoss(), mixed, train, val);
            assertEquals(fit(CacheType.CPU, new MultipleNegativesRankingLoss(), mixed, train, val), auto,
                    "pairs with negatives, trainable encoder: " + mixed);
            List<Double> uncached = fit(null, new MultipleNegativesRankingLoss(), mixed, train, val);
            for (int i = 0; i < uncached.size(); i++) {
                assertEquals(uncached.get(i), auto.get(i), 1e-6, "uncached, trainable encoder: " + mixed + ", " + i);
            }
        }
    }

    @Test
    void theTableLivesOnTheModelsManagerForTheFitOnly() throws Exception {
        GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(groups(48, 1),
                LoaderOptions.batchSize(12));
        Shape table = new Shape(48, DIM);
        try (Model model = new Model(CacheConfig.of(CacheType.AUTO), new TripletLoss(), false)) {
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false)
                    .withEarlyStopping(null), train, null);
            assertTrue(model.duringFit.contains(table), "the table during the fit: " + model.duringFit);
            List<Shape> after = shapes(model.model().manager());
            assertFalse(after.contains(table), "released after the fit: " + after);
        }
    }

    @Test
    void rowsAreGatheredByPositionIntoTheCallersManager() throws Exception {
        try (NDManager device = NDManager.newBaseManager()) {
            Encoder<float[]> encoder = TestModels.lambdaEncoder("double", 2, x -> x.add(x));
            encoder.initialize(device, DataType.FLOAT32);
            List<float[]> records = List.of(new float[] {1, 2}, new float[] {3, 4}, new float[] {5, 6});
            for (CacheType type : new CacheType[] {CacheType.AUTO, CacheType.CPU}) {
                try (EncoderCache cache = EncoderCache.build("e", encoder, List.of("x", "y", "z"), records,
                        CacheConfig.<float[]>of(type), type, device, (done, total) -> { });
                        NDManager step = device.newSubManager()) {
                    assertEquals(2, cache.position("z"));
                    NDArray rows = cache.rows(new long[] {2, 0, 2}, step);
                    assertArrayEquals(new float[] {10, 12, 2, 4, 10, 12}, rows.toFloatArray(), type.name());
                    NDArray looked = cache.lookup(List.of("y"), step);
                    assertSame(step, rows.getManager(), type.name());
                    assertSame(step, looked.getManager(), type.name());
                    step.close();
                    assertArrayEquals(new float[] {6, 8}, cache.lookup(List.of("y"), device).toFloatArray(),
                            "the table outlives the caller's manager: " + type);
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> cache.rows(new long[] {3}, device));
                    assertEquals("position 3 is outside the cache of encoder 'e' (3 rows); take positions from "
                            + "position(key)", e.getMessage());
                    e = assertThrows(IllegalArgumentException.class, () -> cache.position("w"));
                    assertTrue(e.getMessage().startsWith("key 'w' is not in the cache of encoder 'e'"), e.getMessage());
                }
            }
        }
    }
}
