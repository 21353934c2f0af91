package org.quaterion.models.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.TorchScriptEncoder;
import org.quaterion.models.heads.SkipConnectionHead;

/** Plain DJL loads a servable through Criteria and predicts what {@code SimilarityModel.encode} returns. */
class DjlCriteriaTest {

    private static Path torchScript() throws URISyntaxException {
        return Paths.get(DjlCriteriaTest.class.getResource("/torchscript/tiny_mlp.pt").toURI());
    }

    private static Path saveServable(Path dir) throws Exception {
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TorchScriptEncoder.forVectors(torchScript(), 4, false))
                .setHead(new SkipConnectionHead(4)).build()) {
            com.google.gson.JsonObject training = new com.google.gson.JsonObject();
            training.addProperty("record_type", float[].class.getName()); // as TrainableModel.saveServable records it
            model.save(dir, training);
        }
        return dir;
    }

    @Test
    void criteriaLoadsAServableAndBatchPredictEqualsEncode(@TempDir Path tmp) throws Exception {
        Path dir = saveServable(tmp.resolve("servable"));
        assertTrue(Files.isRegularFile(dir.resolve("serving.properties")));
        List<float[]> records = TestModels.rows(11, 8, 3);
        float[][] expected;
        try (SimilarityModel<float[]> model = SimilarityModel.load(dir, float[].class)) {
            expected = model.encode(records, 4);
        }
        Criteria<float[], float[]> criteria = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(dir).optTranslatorFactory(new SimilarityTranslatorFactory()).optArgument("batchSize", "4")
                .build();
        try (ZooModel<float[], float[]> zoo = criteria.loadModel();
                Predictor<float[], float[]> predictor = zoo.newPredictor()) {
            List<float[]> batch = predictor.batchPredict(records);
            assertEquals(records.size(), batch.size());
            for (int i = 0; i < records.size(); i++) {
                assertArrayEquals(expected[i], batch.get(i), "record " + i);
            }
            float[] single;
            try (SimilarityModel<float[]> model = SimilarityModel.load(dir, float[].class)) {
                single = model.encode(List.of(records.get(5)), 4)[0];
            }
            assertArrayEquals(single, predictor.predict(records.get(5)));
        }
    }

    @Test
    void djlsDeferredFactoryFindsOursThroughServingProperties(@TempDir Path tmp) throws Exception {
        Path dir = saveServable(tmp.resolve("servable"));
        List<float[]> records = TestModels.rows(3, 8, 4);
        float[][] expected;
        try (SimilarityModel<float[]> model = SimilarityModel.load(dir, float[].class)) {
            expected = model.encode(records, 2);
        }
        Criteria<float[], float[]> criteria = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(dir).optTranslatorFactory(new ai.djl.translate.DeferredTranslatorFactory()).build();
        try (ZooModel<float[], float[]> zoo = criteria.loadModel();
                Predictor<float[], float[]> predictor = zoo.newPredictor()) {
            assertArrayEquals(expected[1], predictor.batchPredict(records).get(1));
        }
    }

    /** The call that a servable's serving.properties documents, on one line, as the test below runs it. */
    private static final String DOCUMENTED_CALL = "Criteria.builder().setTypes(R.class, float[].class).optModelPath(dir)"
            + ".optTranslatorFactory(new org.quaterion.models.djl.SimilarityTranslatorFactory()).build().loadModel()";

    @Test
    void theCallServingPropertiesDocumentsLoadsTheServable(@TempDir Path tmp) throws Exception {
        Path dir = saveServable(tmp.resolve("servable"));
        StringBuilder comment = new StringBuilder();
        for (String line : Files.readAllLines(dir.resolve("serving.properties"))) {
            if (line.startsWith("#")) {
                comment.append(line.substring(1).trim());
            }
        }
        assertTrue(comment.toString().contains(DOCUMENTED_CALL), comment.toString());
        // the documented call, with R = float[]
        try (ZooModel<float[], float[]> zoo = Criteria.builder().setTypes(float[].class, float[].class)
                .optModelPath(dir)
                .optTranslatorFactory(new org.quaterion.models.djl.SimilarityTranslatorFactory()).build().loadModel();
                Predictor<float[], float[]> predictor = zoo.newPredictor()) {
            assertEquals(4, predictor.predict(new float[8]).length);
        }
    }

    private static String causes(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(t.getMessage()).append(" / ");
        }
        return chain.toString();
    }

    @Test
    void aTypeMismatchNamesTheServablesRecordTypeAndTheRequestedTypes(@TempDir Path tmp) throws Exception {
        Path dir = saveServable(tmp.resolve("servable"));
        Criteria<float[], String> output = Criteria.builder().setTypes(float[].class, String.class)
                .optModelPath(dir).optTranslatorFactory(new SimilarityTranslatorFactory()).build();
        String outputChain = causes(assertThrows(ModelNotFoundException.class, output::loadModel));
        assertTrue(outputChain.contains("maps records of type float[] to float[] embeddings, but the Criteria asks "
                + "for float[] -> java.lang.String: build it with setTypes(float[].class, float[].class)"),
                outputChain);
        // through DJL's deferred factory (serving.properties) the same message comes back
        Criteria<String, float[]> input = Criteria.builder().setTypes(String.class, float[].class)
                .optModelPath(dir).optTranslatorFactory(new ai.djl.translate.DeferredTranslatorFactory()).build();
        String inputChain = causes(assertThrows(ModelNotFoundException.class, input::loadModel));
        assertTrue(inputChain.contains("maps records of type float[] to float[] embeddings, but the Criteria asks "
                + "for java.lang.String -> float[]"), inputChain);
    }

    @Test
    void aServableTrainedOnAnotherRecordTypeIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = saveServable(tmp.resolve("servable"));
        // trained on float[] records: a String predictor fails at load, not at the first request
        Criteria<String, float[]> criteria = Criteria.builder().setTypes(String.class, float[].class)
                .optModelPath(dir).optTranslatorFactory(new SimilarityTranslatorFactory()).build();
        String chain = causes(assertThrows(ModelNotFoundException.class, criteria::loadModel));
        assertTrue(chain.contains("maps records of type float[]"), chain);
        assertTrue(chain.contains("setTypes(float[].class, float[].class)"), chain);
    }
}
