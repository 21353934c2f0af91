package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;

/** GradCache gives the full batch's parameter gradients (float64, 1e-9 relative) from mini-batches. */
class GradCacheTest {

    private static BlockEncoder<float[]> linearEncoder(boolean trainable) {
        return BlockEncoder.<float[]>builder().setTypeName("linear-6-4")
                .setBlock(Linear.builder().setUnits(4).build()).setCollator(Collators.floatVectors())
                .setEmbeddingSize(4).optTrainable(trainable).optInputShapes(new Shape(1, 6)).build();
    }

    private static SimilarityModel<float[]> model() {
        SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(linearEncoder(true))
                .setHead(new SkipConnectionHead(4)).optDataType(DataType.FLOAT64).build();
        for (Pair<String, Parameter> p : model.trainableParameters()) {
            p.getValue().getArray().setRequiresGradient(true);
        }
        return model;
    }

    private static Map<String, double[]> takeGradients(SimilarityModel<float[]> model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.trainableParameters()) {
            NDArray grad = p.getValue().getArray().getGradient();
            out.put(p.getKey(), grad.toDoubleArray());
            grad.subi(grad);
        }
        return out;
    }

    @Test
    void miniBatchesGiveTheFullBatchGradient() {
        Random random = new Random(3);
        List<float[]> records = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            float[] r = new float[6];
            for (int j = 0; j < 6; j++) {
                r[j] = (float) random.nextGaussian();
            }
            records.add(r);
        }
        long[] pairs = new long[16];
        for (int i = 0; i < 8; i++) {
            pairs[2 * i] = i;
            pairs[2 * i + 1] = i + 8;
        }
        MultipleNegativesRankingLoss loss = MultipleNegativesRankingLoss.builder().optSymmetric(true).build();
        try (SimilarityModel<float[]> model = model(); NDManager m = model.manager().newSubManager()) {
            Function<NDArray, NDArray> lossOf = e -> loss.forward(e, m.create(pairs, new Shape(8, 2)),
                    m.ones(new Shape(8)), null);
            double fullLoss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray l = lossOf.apply(model.forward(records, m, true));
                fullLoss = l.getDouble();
                collector.backward(l);
            }
            Map<String, double[]> full = takeGradients(model);
            int checked = 0;
            for (int miniBatch : new int[] {3, 5, 16}) {
                StepStrategy.Result r = GradCache.step(records, miniBatch, 11, recs -> model.forward(recs, m, true),
                        lossOf, l -> { });
                assertEquals(fullLoss, r.loss().getDouble(), 1e-12 * Math.abs(fullLoss));
                Map<String, double[]> cached = takeGradients(model);
                for (Map.Entry<String, double[]> e : full.entrySet()) {
                    double[] a = e.getValue();
                    double[] b = cached.get(e.getKey());
                    for (int i = 0; i < a.length; i++) {
                        assertEquals(a[i], b[i], 1e-9 * Math.max(1e-6, Math.abs(a[i])),
                                e.getKey() + "[" + i + "], mini-batch " + miniBatch);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 50, "checked " + checked + " gradient values");
        }
    }

    /**
     * A linear encoder + head + MNR: trainable and nothing cached (what GradCache is for), or frozen and cached.
     */
    static final class LinearModel extends TrainableModel<float[]> {
        private final boolean cached;

        LinearModel(boolean cached) {
            this.cached = cached;
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("linear", linearEncoder(!cached));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new SkipConnectionHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new MultipleNegativesRankingLoss();
        }

        @Override
        protected CacheConfig<float[]> configureCaches() {
            return cached ? CacheConfig.of(CacheType.AUTO) : null;
        }
    }

    @Test
    void fitWithGradCacheTrainsAsTheFullBatchDoes() throws Exception {
        Random random = new Random(9);
        List<SimilarityPairSample<float[]>> pairs = new ArrayList<>();
        List<float[]> probes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            float[] a = new float[6];
            float[] b = new float[6];
            for (int j = 0; j < 6; j++) {
                a[j] = (float) random.nextGaussian();
                b[j] = a[j] + 0.3f * (float) random.nextGaussian();
            }
            pairs.add(SimilarityPairSample.of(a, b));
            probes.add(a);
        }
        TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(2).withEarlyStopping(null)
                .withProgressBar(false);
        float[][][] out = new float[3][][];
        for (int run = 0; run < 3; run++) {
            try (LinearModel model = new LinearModel(false)) {
                if (run == 0) { // the same initial weights, untrained
                    model.build(null, config.seed());
                } else {
                    Quaterion.fit(model, run == 1 ? config : config.withGradCache(5), // 16 records per batch
                            new PairsSimilarityDataLoader<>(pairs, LoaderOptions.batchSize(8).withShuffle(42)), null);
                }
                out[run] = model.model().encode(probes, 24);
            }
        }
        double moved = 0;
        for (int i = 0; i < probes.size(); i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(out[1][i][j], out[2][i][j], 1e-4, "probe " + i + ": GradCache vs full batch");
                moved = Math.max(moved, Math.abs(out[1][i][j] - out[0][i][j]));
            }
        }
        assertTrue(moved > 1e-2, "training moved the embeddings by at most " + moved);
    }

    @Test
    void aFrozenEncoderCacheAndGradCacheAreRefusedTogether() {
        List<SimilarityPairSample<float[]>> pairs = List.of(SimilarityPairSample.of(new float[6], new float[6]),
                SimilarityPairSample.of(new float[6], new float[6]));
        try (LinearModel model = new LinearModel(true)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quaterion.fit(model,
                    TrainerConfig.defaults().withMaxEpochs(1).withGradCache(4),
                    new PairsSimilarityDataLoader<>(pairs, LoaderOptions.batchSize(8)), null));
            assertTrue(e.getMessage().contains("withGradCache"), e.getMessage());
        }
    }
}
