package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;

/**
 * The record type is checked by the compiler where it can be (a loader of other records than the
 * model's does not compile) and by {@code SimilarityModel.load(dir, Class)} where it cannot (a saved model).
 */
class TypedApiTest {

    @TempDir
    Path tmp;

    @Test
    void aLoaderOfAnotherRecordTypeDoesNotCompile() throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("Wrong.java"), """
                import java.util.List;
                import org.quaterion.dataset.GroupSimilarityDataLoader;
                import org.quaterion.dataset.LoaderOptions;
                import org.quaterion.dataset.SimilarityGroupSample;
                import org.quaterion.train.Quaterion;
                import org.quaterion.train.TrainableModel;

                class Wrong {
                    static void run(TrainableModel<String> model, List<SimilarityGroupSample<float[]>> data)
                            throws Exception {
                        Quaterion.fit(model, org.quaterion.train.TrainerConfig.defaults(),
                                new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(4)), null);
                    }
                }
                """);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = compiler.run(null, null, errors, "-d", Files.createDirectories(tmp.resolve("out")).toString(),
                "-cp", classPath, src.resolve("Wrong.java").toString());
        String message = errors.toString(StandardCharsets.UTF_8);
        assertTrue(rc != 0, "a float[] loader for a String model must not compile");
        assertTrue(message.contains("no suitable method found for fit"), message);
    }

    @Test
    void loadChecksTheRecordTypeTheModelWasTrainedOn() throws Exception {
        Path servable = tmp.resolve("servable");
        try (TrainingTest.Model model = new TrainingTest.Model(new TripletLoss(), null)) {
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false),
                    new GroupSimilarityDataLoader<>(TrainingTest.groups(10, 1), LoaderOptions.batchSize(16)), null);
            model.saveServable(servable);
        }
        assertTrue(Files.readString(servable.resolve("config.json")).contains("\"record_type\": \"[F\""));
        org.quaterion.models.ModelRegistry registry = org.quaterion.models.ModelRegistry.discover()
                .register(TestModels.lambdaFactory("identity", x -> x));
        try (SimilarityModel<float[]> model = SimilarityModel.load(servable, registry, null, float[].class)) {
            assertEquals("[F", model.recordType());
            assertEquals(1, model.encode(List.of(new float[16]), 1).length);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimilarityModel.load(servable, registry, null, String.class));
        assertTrue(e.getMessage().contains("was trained on records of type float[], not java.lang.String"),
                e.getMessage());
        assertFalse(e.getMessage().contains("ArrayStoreException"));
    }
}
