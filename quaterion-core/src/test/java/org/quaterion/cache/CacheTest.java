package org.quaterion.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityDataLoader;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/** The frozen-encoder cache: equal training, persistence, staleness, corruption, float16, no record reads. */
class CacheTest {

    private static final int DIM = 12;

    @TempDir
    Path tmp;

    /** A frozen encoder (counting its forward passes) under a linear head. */
    static final class Model extends CacheTestModel {
        private final AtomicInteger calls;
        private final String encoderType;

        Model(AtomicInteger calls, CacheConfig<float[]> cache, SimilarityLoss loss, String encoderType) {
            super(cache, loss);
            this.calls = calls;
            this.encoderType = encoderType;
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("frozen", TestModels.lambdaEncoder(encoderType, DIM, x -> {
                calls.incrementAndGet();
                return x.mul(2).tanh();
            }));
        }
    }

    private static float[] vector(Random random) {
        return GaussianData.vector(random, DIM);
    }

    private static List<SimilarityGroupSample<float[]>> groups(int n, long seed) {
        return GaussianData.groups(n, DIM, 6, seed);
    }

    private static TrainerConfig config() {
        return TrainerConfig.defaults().withMaxEpochs(3).withProgressBar(false).withEarlyStopping(null);
    }

    private static List<Double> fit(CacheConfig<float[]> cache, SimilarityLoss loss, SimilarityDataLoader<?, ? extends org.quaterion.dataset.Batch<float[]>> train,
            SimilarityDataLoader<?, ? extends org.quaterion.dataset.Batch<float[]>> val, AtomicInteger calls) throws Exception {
        try (Model model = new Model(calls, cache, loss, "tanh2")) {
            FitResult result = Quaterion.fit(model, config(), train, val);
            List<Double> out = new ArrayList<>(result.stepLosses());
            result.epochs().forEach(e -> out.add(e.get("validation_loss")));
            return out;
        }
    }

    @Test
    void cachedTrainingEqualsUncachedForGroupsAndPairs() throws Exception {
        GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(groups(60, 1),
                LoaderOptions.batchSize(12).withShuffle(3));
        GroupSimilarityDataLoader<float[]> val = new GroupSimilarityDataLoader<>(groups(24, 2),
                LoaderOptions.batchSize(12));
        List<Double> plain = fit(null, new TripletLoss(), train, val, new AtomicInteger());
        for (CacheType type : new CacheType[] {CacheType.AUTO, CacheType.CPU}) {
            List<Double> cached = fit(CacheConfig.of(type), new TripletLoss(), train, val, new AtomicInteger());
            assertEquals(plain.size(), cached.size());
            for (int i = 0; i < plain.size(); i++) {
                assertEquals(plain.get(i), cached.get(i), 1e-6, type + " step " + i);
            }
        }
        Random random = new Random(5);
        List<SimilarityPairSample<float[]>> pairs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            float[] a = vector(random);
            pairs.add(SimilarityPairSample.of(a, a.clone(), 1));
        }
        PairsSimilarityDataLoader<float[]> pairTrain = new PairsSimilarityDataLoader<>(pairs.subList(0, 30),
                LoaderOptions.batchSize(10).withShuffle(1));
        PairsSimilarityDataLoader<float[]> pairVal = new PairsSimilarityDataLoader<>(pairs.subList(30, 40),
                LoaderOptions.batchSize(10));
        List<Double> plainPairs = fit(null, new MultipleNegativesRankingLoss(), pairTrain, pairVal,
                new AtomicInteger());
        List<Double> cachedPairs = fit(CacheConfig.of(CacheType.CPU), new MultipleNegativesRankingLoss(), pairTrain,
                pairVal, new AtomicInteger());
        for (int i = 0; i < plainPairs.size(); i++) {
            assertEquals(plainPairs.get(i), cachedPairs.get(i), 1e-6, "pair step " + i);
        }
    }

    /**
     * Pairs with explicit negatives (0 to 3 per pair, some shared between pairs): the cached fit (negatives keyed by
     * content, batches rebuilt from labels) trains exactly as the uncached one, and the negatives change training.
     */
    @Test
    void explicitNegativesTrainTheSameWithAndWithoutTheCache() throws Exception {
        Random random = new Random(9);
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pool.add(vector(random));
        }
        List<SimilarityPairSample<float[]>> plain = new ArrayList<>();
        List<SimilarityPairSample<float[]>> mined = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            float[] a = vector(random);
            SimilarityPairSample<float[]> pair = SimilarityPairSample.of(a, a.clone(), 1);
            plain.add(pair);
            mined.add(pair.withNegatives(pool.subList(i % 8, i % 8 + Math.min(i % 4, 8 - i % 8))));
        }
        List<Double> reference = null;
        for (CacheConfig<float[]> cache : java.util.Arrays.asList(null, CacheConfig.<float[]>of(CacheType.CPU))) {
            List<Double> losses = fit(cache, new MultipleNegativesRankingLoss(),
                    new PairsSimilarityDataLoader<>(mined.subList(0, 30), LoaderOptions.batchSize(10).withShuffle(1)),
                    new PairsSimilarityDataLoader<>(mined.subList(30, 40), LoaderOptions.batchSize(10)),
                    new AtomicInteger());
            if (reference == null) {
                reference = losses;
            } else {
                for (int i = 0; i < reference.size(); i++) {
                    assertEquals(reference.get(i), losses.get(i), 1e-6, "step " + i);
                }
            }
        }
        List<Double> without = fit(null, new MultipleNegativesRankingLoss(),
                new PairsSimilarityDataLoader<>(plain.subList(0, 30), LoaderOptions.batchSize(10).withShuffle(1)),
                new PairsSimilarityDataLoader<>(plain.subList(30, 40), LoaderOptions.batchSize(10)),
                new AtomicInteger());
        assertTrue(Math.abs(without.get(0) - reference.get(0)) > 1e-3, "negatives change the loss: " + without.get(0)
                + " vs " + reference.get(0));
    }

    @Test
    void persistedCacheIsReusedAndRebuiltWhenStaleOrCorrupt() throws Exception {
        List<SimilarityGroupSample<float[]>> data = groups(48, 1);
        GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(12));
        CacheConfig<float[]> config = CacheConfig.<float[]>of(CacheType.CPU).withSaveDir(tmp).withBatchSize(16);
        AtomicInteger calls = new AtomicInteger();
        fit(config, new TripletLoss(), train, null, calls);
        assertEquals(3, calls.get(), "filled once: 48 records in batches of 16; training read only the cache");

        calls.set(0);
        fit(config, new TripletLoss(), train, null, calls);
        assertEquals(0, calls.get(), "the second fit loads the cache and never calls the encoder");

        List<SimilarityGroupSample<float[]>> changed = new ArrayList<>(data);
        float[] edited = data.get(7).obj().clone();
        edited[0] += 1;
        changed.set(7, new SimilarityGroupSample<>(edited, data.get(7).group()));
        calls.set(0);
        fit(config, new TripletLoss(), new GroupSimilarityDataLoader<>(changed, LoaderOptions.batchSize(12)), null,
                calls);
        assertEquals(3, calls.get(), "one changed record rebuilds the cache");

        calls.set(0);
        try (Model other = new Model(calls, config, new TripletLoss(), "tanh2-v2")) {
            Quaterion.fit(other, config(), train, null);
        }
        assertEquals(3, calls.get(), "another encoder rebuilds the cache");

        calls.set(0);
        fit(config.withBatchSize(12), new TripletLoss(), train, null, calls);
        assertEquals(4, calls.get(), "another fill batch size rebuilds the cache (int8 models depend on it)");
        fit(config, new TripletLoss(), train, null, calls);

        Path data32 = tmp.resolve("encoders/frozen/part-00000.bin");
        long bytes32 = Files.size(data32);
        calls.set(0);
        fit(config.withPrecision(CacheConfig.Precision.FLOAT16), new TripletLoss(), train, null, calls);
        assertEquals(3, calls.get(), "another storage precision rebuilds the cache");
        assertEquals((bytes32 - 32) / 2, Files.size(data32) - 32, "float16 storage halves the embedding bytes");

        try (FileChannel ch = FileChannel.open(data32, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(data32) - 10);
        }
        calls.set(0);
        fit(config.withPrecision(CacheConfig.Precision.FLOAT16), new TripletLoss(), train, null, calls);
        assertEquals(3, calls.get(), "a truncated cache file is detected and rebuilt");
        try (var left = Files.list(tmp.resolve("encoders"))) {
            assertEquals(1, left.count(), "no temporary directory left behind");
        }
    }

    @Test
    void aFullyCachedModelReadsEachRecordOnce() throws Exception {
        List<SimilarityGroupSample<float[]>> data = groups(36, 4);
        AtomicInteger reads = new AtomicInteger();
        List<SimilarityGroupSample<float[]>> counting = new java.util.AbstractList<>() {
            @Override
            public SimilarityGroupSample<float[]> get(int i) {
                reads.incrementAndGet();
                return data.get(i);
            }

            @Override
            public int size() {
                return data.size();
            }
        };
        fit(CacheConfig.of(CacheType.AUTO), new TripletLoss(), new GroupSimilarityDataLoader<>(counting,
                LoaderOptions.batchSize(12).withShuffle(2)), null, new AtomicInteger());
        assertEquals(36, reads.get(), "records are read once, for the fill; 3 epochs read only cached labels");
    }

    @Test
    void badConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> CacheConfig.of(CacheType.AUTO).withBatchSize(0));
        GroupSimilarityDataLoader<float[]> train = new GroupSimilarityDataLoader<>(groups(12, 1),
                LoaderOptions.batchSize(12));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit(
                CacheConfig.<float[]>of(CacheType.AUTO).withKeyExtractors(Map.of("nope", r -> "k")),
                new TripletLoss(), train, null, new AtomicInteger()));
        assertTrue(e.getMessage().contains("unknown encoder 'nope'"), e.getMessage());
        IllegalArgumentException augmented = assertThrows(IllegalArgumentException.class, () -> fit(
                CacheConfig.of(CacheType.AUTO), new TripletLoss(), train.withAugmentation(
                        org.quaterion.augment.ImageAugmentation.builder(3, 4, 1).optHorizontalFlip(0.5).build(), 1, 0),
                null, new AtomicInteger()));
        assertTrue(augmented.getMessage().contains("augments its records"), augmented.getMessage());
        IllegalArgumentException trainable = assertThrows(IllegalArgumentException.class, () -> {
            try (TrainableModel<float[]> model = new CacheTestModel(CacheConfig.<float[]>of(CacheType.AUTO)
                    .withMapping(Map.of("mlp", CacheType.CPU)), new TripletLoss()) {
                @Override
                protected Map<String, Encoder<float[]>> configureEncoders() {
                    return Map.of("mlp", org.quaterion.models.encoders.BlockEncoder.<float[]>builder()
                            .setTypeName("mlp").setBlock(ai.djl.nn.core.Linear.builder().setUnits(DIM).build())
                            .setCollator(org.quaterion.models.encoders.Collators.floatVectors()).setEmbeddingSize(DIM)
                            .optTrainable(true).optInputShapes(new ai.djl.ndarray.types.Shape(1, DIM)).build());
                }
            }) {
                Quaterion.fit(model, config(), train, null);
            }
        });
        assertTrue(trainable.getMessage().contains("'mlp' is trainable and cannot be cached"), trainable.getMessage());
        IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class, () -> fit(
                CacheConfig.of(CacheType.GPU), new TripletLoss(), train, null, new AtomicInteger()));
        assertTrue(gpu.getMessage().contains("use AUTO or CPU"), gpu.getMessage());
    }
}
