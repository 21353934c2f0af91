package org.quaterion.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collator;
import org.quaterion.models.encoders.Collators;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/** The cache never answers silently wrong: key collisions, null keys, a changed collator. */
class CacheTrustTest {

    private static List<SimilarityGroupSample<float[]>> data() {
        return GaussianData.groups(24, 12, 4, 5);
    }

    private static IllegalArgumentException fitWithKeys(KeyExtractor<float[]> keys) {
        CacheConfig<float[]> config = CacheConfig.<float[]>of(CacheType.AUTO).withKeyExtractors(Map.of("frozen", keys));
        return assertThrows(IllegalArgumentException.class, () -> {
            try (CacheTest.Model model = new CacheTest.Model(new AtomicInteger(), config, new TripletLoss(), "t")) {
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false)
                        .withEarlyStopping(null), new GroupSimilarityDataLoader<>(data(), LoaderOptions.batchSize(8)),
                        null);
            }
        });
    }

    @Test
    void oneKeyForDifferentRecordsIsAnErrorWithExamples() {
        IllegalArgumentException e = fitWithKeys(r -> "k" + (int) Math.abs(r[0] * 2) % 3);
        assertTrue(e.getMessage().contains("one key to different records") && e.getMessage().contains("key 'k"),
                e.getMessage());
    }

    @Test
    void aNullKeyIsAClearError() {
        IllegalArgumentException e = fitWithKeys(r -> null);
        assertTrue(e.getMessage().contains("returned null for row train:0"), e.getMessage());
    }

    /** float vectors times a factor: a collator with a setting. */
    private record ScaledVectors(float factor) implements Collator<float[]> {
        @Override
        public NDList collate(List<float[]> records, NDManager manager) {
            return new NDList(Collators.floatVectors().collate(records, manager).head().mul(factor));
        }

        @Override
        public String fingerprint() {
            return "ScaledVectors/v1/factor=" + factor;
        }
    }

    private static final NDManager MANAGER = NDManager.newBaseManager();

    private static BlockEncoder<float[]> encoder(Collator<float[]> collator) {
        return initialized(BlockEncoder.<float[]>builder().setTypeName("same-type")
                .setBlock(new ai.djl.nn.LambdaBlock(l -> new NDList(l.head().tanh()), "tanh"))
                .setCollator(collator).setEmbeddingSize(12).optTrainable(false).optInputShapes(new Shape(1, 12))
                .build());
    }

    private static BlockEncoder<float[]> initialized(BlockEncoder<float[]> e) {
        e.initialize(MANAGER, ai.djl.ndarray.types.DataType.FLOAT32);
        return e;
    }

    @Test
    void changingOnlyTheCollatorChangesTheEncoderFingerprint() throws Exception {
        String plain = EncoderCache.encoderFingerprint("frozen", encoder(Collators.floatVectors()));
        String scaled = EncoderCache.encoderFingerprint("frozen", encoder(new ScaledVectors(2)));
        String scaledAgain = EncoderCache.encoderFingerprint("frozen", encoder(new ScaledVectors(2)));
        String scaled3 = EncoderCache.encoderFingerprint("frozen", encoder(new ScaledVectors(3)));
        assertNotEquals(plain, scaled, "another collator class refills the cache");
        assertNotEquals(scaled, scaled3, "another collator setting refills the cache");
        assertEquals(scaled, scaledAgain, "the same collator reuses it");
        assertEquals(EncoderCache.encoderFingerprint("frozen", initialized(TestModels.lambdaEncoder("x", 12, a -> a))),
                EncoderCache.encoderFingerprint("frozen", initialized(TestModels.lambdaEncoder("x", 12, a -> a))),
                "stable for equal encoders");
    }
}
