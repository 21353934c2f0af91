package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.SwitchEncoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.StackedProjectionHead;
import org.quaterion.models.heads.SwitchHead;

class SimilarityModelTest {

    @Test
    void prefixesOfTheEmbeddingsAreEncodedAndRenormalised() {
        List<float[]> rows = TestModels.rows(5, 6, 8);
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 6, x -> x))
                .setHead(new org.quaterion.models.heads.EmptyHead(6)).build()) {
            float[][] full = model.encode(rows, 2);
            float[][] cut = model.encode(rows, 2, 3, false);
            float[][] unit = model.encode(rows, 3, 3, true);
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(3, cut[i].length);
                double norm = Math.sqrt(full[i][0] * full[i][0] + full[i][1] * full[i][1] + full[i][2] * full[i][2]);
                for (int j = 0; j < 3; j++) {
                    assertEquals(full[i][j], cut[i][j], 0f);
                    assertEquals(full[i][j] / norm, unit[i][j], 1e-6);
                }
            }
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> model.encode(rows, 2, 7, false));
        }
    }

    @Test
    void encoderOutputsAreConcatenatedInNameOrder() {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .addEncoder("zeta", TestModels.lambdaEncoder("times10", 3, x -> x.mul(10)))
                .addEncoder("alpha", TestModels.lambdaEncoder("identity", 3, x -> x))
                .setHead(new EmptyHead(6)).build()) {
            assertEquals(List.of("alpha", "zeta"), new ArrayList<>(model.encoders().keySet()));
            float[][] out = model.encode(List.of(new float[] {1, 2, 3}, new float[] {-1, 0, 0.5f}), 8);
            assertArrayEquals(new float[] {1, 2, 3, 10, 20, 30}, out[0]);
            assertArrayEquals(new float[] {-1, 0, 0.5f, -10, 0, 5}, out[1]);
        }
    }

    @Test
    void switchRoutesEachRecordAndKeepsInputOrder() {
        Map<String, BlockEncoder<float[]>> options = Map.of(
                "neg", TestModels.lambdaEncoder("negate", 2, NDArray::neg),
                "pos", TestModels.lambdaEncoder("identity", 2, x -> x));
        SwitchEncoder<float[]> encoder = new SwitchEncoder<>("sign-switch", options, r -> r[0] < 0 ? "neg" : "pos");
        LinearHead doubling = LinearHead.builder().setInputSize(2).setOutputSize(2).optBias(false).optDropout(0.0)
                .build();
        SwitchHead head = new SwitchHead(Map.of("neg", doubling, "pos", new EmptyHead(2)));
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(encoder).setHead(head)
                .build()) {
            doubling.namedParameters().get("layer.weight").getArray().set(new float[] {2, 0, 0, 2});
            List<float[]> records = List.of(new float[] {1, 2}, new float[] {-3, 4}, new float[] {5, 6},
                    new float[] {-7, -8}, new float[] {-9, 1});
            float[][] out = model.encode(records, 5);
            assertArrayEquals(new float[] {1, 2}, out[0]);
            assertArrayEquals(new float[] {6, -8}, out[1]);
            assertArrayEquals(new float[] {5, 6}, out[2]);
            assertArrayEquals(new float[] {14, 16}, out[3]);
            assertArrayEquals(new float[] {18, -2}, out[4]);
            assertEquals(List.of("pos", "neg", "pos", "neg", "neg"), encoder.routes(records));
            float[][] oneRoute = model.encode(List.of(new float[] {-1, 1}), 1);
            assertArrayEquals(new float[] {2, -2}, oneRoute[0]);
        }
    }

    @Test
    void concurrentEncodingGivesTheSequentialResults() throws Exception {
        List<float[]> records = TestModels.rows(300, 16, 11);
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(mlpEncoder(16, 12, true))
                .setHead(SequentialHead.of(StackedProjectionHead.builder().setInputSize(12)
                        .setOutputSizes(List.of(24, 8)).optActivationFn("gelu").optDropout(0.2).build(),
                        new NormalizeHead(8)))
                .build()) {
            float[][] expected = model.encode(records, 17);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[][]>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int batch = 5 + t * 3;
                    futures.add(pool.submit(() -> {
                        float[][] last = null;
                        for (int rep = 0; rep < 5; rep++) {
                            last = model.encode(records, batch);
                        }
                        return last;
                    }));
                }
                for (Future<float[][]> f : futures) {
                    float[][] got = f.get();
                    for (int i = 0; i < records.size(); i++) {
                        assertArrayEquals(expected[i], got[i], 1e-6f, "row " + i);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            for (float[] row : expected) {
                double norm = 0;
                for (float v : row) {
                    norm += v * v;
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-5);
            }
        }
    }

    @Test
    void encodingLeavesNoArraysBehind() {
        List<float[]> records = TestModels.rows(4, 16, 5);
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(mlpEncoder(16, 8, true))
                .setHead(org.quaterion.models.heads.SkipConnectionHead.builder().setInputSize(8).optDropout(0.1)
                        .optSkipDropout(0.1).optNLayers(2).build()).build()) {
            model.encode(records, 4);
            int before = model.manager().getManagedArrays().size();
            for (int i = 0; i < 10_000; i++) {
                model.encode(records, 4);
            }
            assertEquals(before, model.manager().getManagedArrays().size(), "live arrays after 10,000 batches");
            try (NDManager target = NDManager.newBaseManager()) {
                NDArray all = model.encodeToArray(records, 3, target);
                assertEquals(new Shape(4, 8), all.getShape());
                assertEquals(1, target.getManagedArrays().size());
            }
            assertEquals(before, model.manager().getManagedArrays().size());
        }
    }

    /**
     * encodeToArray frees each batch's intermediates before the next batch runs (keeping every batch's until the end
     * runs fine-tuned transformers out of memory when mining over a corpus).
     */
    @Test
    void encodeToArrayFreesEachBatchBeforeTheNext() {
        List<NDArray> intermediates = new ArrayList<>();
        List<Boolean> previousFreed = new ArrayList<>();
        BlockEncoder<float[]> encoder = TestModels.lambdaEncoder("recording", 4, x -> {
            previousFreed.add(intermediates.isEmpty() || intermediates.get(intermediates.size() - 1).isReleased());
            NDArray doubled = x.add(x);
            intermediates.add(doubled);
            return doubled.sub(x);
        });
        List<float[]> records = TestModels.rows(5, 4, 3);
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(encoder)
                .setHead(new EmptyHead(4)).build(); NDManager target = NDManager.newBaseManager()) {
            NDArray all = model.encodeToArray(records, 2, target);
            assertEquals(List.of(true, true, true), previousFreed);
            float[] expected = new float[20];
            for (int i = 0; i < 5; i++) {
                System.arraycopy(records.get(i), 0, expected, 4 * i, 4);
            }
            assertArrayEquals(expected, all.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void frozenEncoderRunsInInferenceModeEvenWhenTraining() {
        List<float[]> records = TestModels.rows(64, 16, 9);
        try (SimilarityModel<float[]> frozen = SimilarityModel.<float[]>builder()
                .setEncoder(dropoutEncoder(false)).setHead(new EmptyHead(16)).build();
                SimilarityModel<float[]> trainable = SimilarityModel.<float[]>builder()
                        .setEncoder(dropoutEncoder(true)).setHead(new EmptyHead(16)).build();
                NDManager call = NDManager.newBaseManager()) {
            float[] frozenTrain = frozen.forward(records, call, true).toFloatArray();
            float[] frozenEval = frozen.forward(records, call, false).toFloatArray();
            assertArrayEquals(frozenEval, frozenTrain, "a frozen encoder must ignore training mode");
            float[] trainTrain = trainable.forward(records, call, true).toFloatArray();
            long zeros = 0;
            for (float v : trainTrain) {
                zeros += v == 0f ? 1 : 0;
            }
            assertTrue(zeros > trainTrain.length / 4, "dropout 0.5 should zero about half, zeroed " + zeros);
            assertTrue(frozen.trainableParameters().isEmpty());
        }
    }

    @Test
    void float64ModelsComputeInDoublePrecision() {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(mlpEncoder(4, 3, true)).setHead(new LinearHead(3, 2)).optDataType(DataType.FLOAT64)
                .build(); NDManager call = NDManager.newBaseManager()) {
            assertEquals(DataType.FLOAT64, model.forward(TestModels.rows(2, 4, 1), call, false).getDataType());
            assertEquals(DataType.FLOAT64, model.head().namedParameters().get("layer.weight").getArray()
                    .getDataType());
        }
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 3, x -> x)).setHead(new EmptyHead(3)).build()) {
            assertMessage("records is empty", () -> model.encode(List.of(), 4));
            assertMessage("records is empty", () -> model.encode(null, 4));
            assertMessage("record 1 is null", () -> model.encode(Arrays.asList(new float[3], null), 4));
            assertMessage("batchSize must be >= 1", () -> model.encode(List.of(new float[3]), 0));
            assertMessage("record 1 has length 2", () -> model.encode(List.of(new float[3], new float[2]), 4));
        }
        assertMessage("the head expects input size 5 but the encoders {default=3} produce 3",
                () -> SimilarityModel.<float[]>builder().setEncoder(TestModels.lambdaEncoder("identity", 3, x -> x))
                        .setHead(new EmptyHead(5)).build());
        assertMessage("needs a head", () -> SimilarityModel.<float[]>builder()
                .setEncoder(TestModels.lambdaEncoder("identity", 3, x -> x)).build());
        assertMessage("needs at least one encoder", () -> SimilarityModel.<float[]>builder()
                .setHead(new EmptyHead(3)).build());
        assertMessage("not a safe directory name", () -> SimilarityModel.<float[]>builder()
                .addEncoder("../up", TestModels.lambdaEncoder("identity", 3, x -> x)));
        assertMessage("BFLOAT16", () -> SimilarityModel.<float[]>builder().optDataType(DataType.BFLOAT16));
        assertMessage("produced shape (2, 3) but (2, 4) was expected", () -> {
            try (SimilarityModel<float[]> wrong = SimilarityModel.<float[]>builder()
                    .setEncoder(BlockEncoder.<float[]>builder().setTypeName("wrong").setBlock(Linear.builder()
                            .setUnits(3).build()).setCollator(Collators.floatVectors()).setEmbeddingSize(4)
                            .optInputShapes(new Shape(1, 2)).build())
                    .setHead(new EmptyHead(4)).build()) {
                wrong.encode(List.of(new float[2], new float[2]), 2);
            }
        });
        assertMessage("needs a type name", () -> BlockEncoder.<float[]>builder().setBlock(new SequentialBlock())
                .setCollator(Collators.floatVectors()).setEmbeddingSize(2).build());
        assertMessage("unknown activation_fn 'swoosh'", () -> StackedProjectionHead.builder().setInputSize(4)
                .setOutputSizes(List.of(2)).optActivationFn("swoosh").optDropout(0).build());
        assertMessage("dropout in [0, 1)", () -> new EmptyHead(4, 1.5));
        assertMessage("part 1 (linear) expects input size 5 but part 0 (empty) outputs 4",
                () -> SequentialHead.of(new EmptyHead(4), new LinearHead(5, 2)));
        assertMessage("all options must produce the same size", () -> new SwitchEncoder<float[]>("s", Map.of(
                "a", TestModels.lambdaEncoder("i", 2, x -> x), "b", TestModels.lambdaEncoder("j", 3, x -> x)),
                r -> "a"));
        assertMessage("SwitchHead needs the route of each record", () -> {
            EncoderHead head = new SwitchHead(Map.of("a", new EmptyHead(2)));
            try (SimilarityModel<float[]> m = SimilarityModel.<float[]>builder()
                    .setEncoder(TestModels.lambdaEncoder("identity", 2, x -> x)).setHead(head).build()) {
                m.encode(List.of(new float[2]), 1);
            }
        });
    }

    @Test
    void closeWhileOtherThreadsEncodeWaitsForThemAndLaterCallsThrow() throws Exception {
        List<float[]> records = TestModels.rows(64, 16, 3);
        SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(mlpEncoder(16, 12, true))
                .setHead(StackedProjectionHead.builder().setInputSize(12).setOutputSizes(List.of(24, 8))
                        .optActivationFn("gelu").optDropout(0.0).build()).build();
        float[][] expected = model.encode(records, 16);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(6);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            futures.add(pool.submit(() -> {
                started.countDown();
                int done = 0;
                while (true) {
                    float[][] got;
                    try {
                        got = model.encode(records, 8);
                    } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("SimilarityModel is closed"), e.getMessage());
                        return done;
                    }
                    assertArrayEquals(expected[63], got[63], 1e-5f, "a call that ran completed correctly");
                    done++;
                }
            }));
        }
        started.await();
        model.encode(records, 8);
        model.close();
        for (Future<Integer> f : futures) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThrows(IllegalStateException.class, () -> model.encode(records, 8));
        assertThrows(IllegalStateException.class, () -> model.save(java.nio.file.Files.createTempDirectory("q")
                .resolve("m")));
        model.close();
    }

    static BlockEncoder<float[]> mlpEncoder(int in, int out, boolean trainable) {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(out).build())
                .add(ai.djl.nn.Activation::tanh);
        block.setInitializer(new ai.djl.training.initializer.XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
        return BlockEncoder.<float[]>builder().setTypeName("mlp").setBlock(block)
                .setCollator(Collators.floatVectors()).setEmbeddingSize(out).optTrainable(trainable)
                .optInputShapes(new Shape(1, in)).build();
    }

    private static BlockEncoder<float[]> dropoutEncoder(boolean trainable) {
        return BlockEncoder.<float[]>builder().setTypeName("dropout").setBlock(Dropout.builder().optRate(0.5f)
                .build()).setCollator(Collators.floatVectors()).setEmbeddingSize(16).optTrainable(trainable)
                .optInputShapes(new Shape(1, 16)).build();
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '"
                + expected + "'");
    }
}
