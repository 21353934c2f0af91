package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.djl.SimilarityTranslatorFactory;
import org.quaterion.models.heads.EmptyHead;

/**
 * The cross-encoder reads a (query, document) pair as the tokenizer's pair encoding, its servable reloads bit for bit
 * (also through DJL's {@code Criteria}), and bi-encoder and cross-encoder servables refuse to load as each other.
 */
class CrossEncoderModelTest {

    static final String QUERY = "a domesticated carnivorous mammal";
    static final List<String> DOCS = List.of("dog", "the act of taking something by force", "cat", "");

    @TempDir
    Path tmp;

    static TrainableTransformer.Builder tinyBert(Path dir) throws Exception {
        return TrainableTransformer.fromHuggingFace(TinyTransformers.write(dir, TinyTransformers.bert(),
                TinyTransformers.randomWeights(TinyTransformers.bert(), 7))).maxLength(64);
    }

    static CrossEncoderModel tinyModel(Path dir, int labels) throws Exception {
        CrossEncoder encoder = CrossEncoder.of(tinyBert(dir));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Pair<String, String>> type = (Class) Pair.class;
        return CrossEncoderModel.of(SimilarityModel.<Pair<String, String>>builder().addEncoder("cross", encoder)
                .setHead(CrossEncoder.scoringHead(encoder.embeddingSize(), labels)).optRecordType(type).build());
    }

    @Test
    void pairEncodingHasTokenTypesOfTheDocument() throws Exception {
        try (CrossEncoderModel model = tinyModel(tmp.resolve("bert"), 1);
                NDManager manager = NDManager.newBaseManager()) {
            CrossEncoder encoder = (CrossEncoder) model.model().encoders().get("cross");
            NDList batch = encoder.collate(List.of(new Pair<>("dog", "a dog")), manager);
            long[] ids = batch.get(0).toType(DataType.INT64, false).toLongArray();
            long[] types = batch.get(2).toType(DataType.INT64, false).toLongArray();
            // [CLS] dog [SEP] a dog [SEP] in MiniLM's vocabulary, token type 0 up to the first [SEP], 1 after it
            assertArrayEquals(new long[] {101, 3899, 102, 1037, 3899, 102}, ids);
            assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1}, types);
        }
    }

    @Test
    void scoresReloadBitForBitAndDoNotDependOnTheBatch() throws Exception {
        Path servable = tmp.resolve("servable");
        float[] scores;
        try (CrossEncoderModel model = tinyModel(tmp.resolve("bert"), 1)) {
            assertEquals(1, model.labels());
            scores = model.score(QUERY, DOCS);
            assertEquals(DOCS.size(), scores.length);
            for (int i = 0; i < DOCS.size(); i++) {
                assertEquals(scores[i], model.score(QUERY, List.of(DOCS.get(i)))[0], 0f, "pair " + i + " alone");
            }
            assertTrue(scores[0] != scores[1], "different documents score differently");
            assertEquals(0, model.score(QUERY, List.of()).length);
            model.save(servable);
        }
        try (CrossEncoderModel reloaded = CrossEncoderModel.load(servable)) {
            assertArrayEquals(scores, reloaded.score(QUERY, DOCS), "scores reload bit for bit");
            float[] mixed = reloaded.scores(List.of(new Pair<>("x", "y"), new Pair<>(QUERY, DOCS.get(2))));
            assertEquals(scores[2], mixed[1], 0f, "scores() batches pairs of different queries");
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Pair<String, String>> type = (Class) Pair.class;
        Criteria<Pair<String, String>, float[]> criteria = Criteria.builder().setTypes(type, float[].class)
                .optModelPath(servable).optTranslatorFactory(new SimilarityTranslatorFactory()).build();
        try (ZooModel<Pair<String, String>, float[]> zoo = criteria.loadModel();
                Predictor<Pair<String, String>, float[]> predictor = zoo.newPredictor()) {
            assertArrayEquals(new float[] {scores[0]}, predictor.predict(new Pair<>(QUERY, DOCS.get(0))),
                    "DJL's Criteria gives the pair's logit");
        }
    }

    @Test
    void labelsGiveLogitsAndRefuseASingleScore() throws Exception {
        try (CrossEncoderModel model = tinyModel(tmp.resolve("bert"), 3)) {
            float[][] logits = model.logits(List.of(new Pair<>(QUERY, "dog")));
            assertEquals(3, logits[0].length);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.score(QUERY, DOCS));
            assertTrue(e.getMessage().contains("logits(pairs)"), e.getMessage());
        }
    }

    @Test
    void biEncoderAndCrossEncoderServablesRefuseEachOther() throws Exception {
        Path cross = tmp.resolve("cross");
        try (CrossEncoderModel model = tinyModel(tmp.resolve("bert"), 1)) {
            model.save(cross);
        }
        IllegalArgumentException asBi = assertThrows(IllegalArgumentException.class,
                () -> SimilarityModel.load(cross, String.class));
        assertTrue(asBi.getMessage().contains("CrossEncoderModel.load"), asBi.getMessage());
        Path bi = tmp.resolve("bi");
        TrainableTransformer transformer = tinyBert(tmp.resolve("bert2")).build();
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", transformer)
                .setHead(new EmptyHead(transformer.embeddingSize())).optRecordType(String.class).build()) {
            model.save(bi);
        }
        IllegalArgumentException asCross = assertThrows(IllegalArgumentException.class,
                () -> CrossEncoderModel.load(bi));
        assertTrue(asCross.getMessage().contains("bi-encoder"), asCross.getMessage());
    }
}
