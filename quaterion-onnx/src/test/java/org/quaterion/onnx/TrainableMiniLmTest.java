package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.io.JsonFiles;

/** The MiniLM entry point trains everything but the token table, and servables of the earlier type still load. */
class TrainableMiniLmTest {

    private static final List<String> TEXTS = List.of("a domesticated carnivorous mammal", "dog",
            "the act of taking something from a person by force and without consent");

    @TempDir
    Path tmp;

    @Test
    void everyWeightButTheTokenTableTrains() {
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text",
                TrainableMiniLm.pretrained(128)).setHead(new EmptyHead(MiniLm.DIM)).build()) {
            assertEquals(4 + 6 * 16, model.trainableParameters().size(), "every weight but the token table trains");
        }
    }

    /**
     * The earlier {@code minilm-trainable} layout: {@code tokenizer.json}, {@code config.json} (trainable, max_length,
     * batching) and DJL's {@code parameters.params} of the same 6-layer block, parameters in the same order.
     */
    @Test
    void aServableOfTheEarlierTypeStillLoads() throws Exception {
        TrainableTransformer source = TrainableMiniLm.pretrained(128);
        float[][] expected = TrainableTransformerTest.encode(source, TEXTS);
        Path dir = Files.createDirectories(tmp.resolve("minilm-trainable"));
        try (NDManager m = NDManager.newBaseManager()) {
            TrainableTransformer encoder = TrainableMiniLm.pretrained(128);
            encoder.initialize(m, DataType.FLOAT32);
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve("parameters.params")))) {
                encoder.block().saveParameters(out);
            }
            encoder.close();
            Files.copy(MiniLm.fp32().tokenizerFile(), dir.resolve("tokenizer.json"));
            JsonObject config = new JsonObject();
            config.addProperty("trainable", true);
            config.addProperty("max_length", 128);
            JsonFiles.write(dir.resolve("config.json"), config);
            TrainableTransformer loaded = (TrainableTransformer) new TrainableMiniLm.Factory().load(dir,
                    new LoadContext(m, DataType.FLOAT32, null));
            assertEquals(TextBatching.PER_TEXT, loaded.batching(), "a servable without the setting runs per text");
            float[][] again = TrainableTransformerTest.encode(loaded, TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertArrayEquals(expected[i], again[i], "text " + i);
            }
        }
    }
}
