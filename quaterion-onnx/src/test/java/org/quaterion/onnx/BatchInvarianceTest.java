package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.io.Checksums;

/**
 * The built-in text encoders give a text the same vector, bit for bit, alone and in a batch of 64 texts of other
 * lengths (per-text runs, the default); the padded mode that opts out is batch-dependent, and the mode is saved.
 */
class BatchInvarianceTest {

    @TempDir
    Path tmp;

    /** 64 texts of 0 to ~200 words (the longest is truncated at 128 tokens), so batches pad heavily. */
    private static List<String> sixtyFourTexts() {
        String[] words = ("a the of cat dog house river bank money stock market fell sharply on monday animal with "
                + "long tail fur that lives in forests small carnivorous mammal act taking something from person by "
                + "force without consent").split(" ");
        Random random = new Random(11);
        List<String> texts = new ArrayList<>();
        texts.add("A man is playing a guitar.");
        texts.add("");
        texts.add("dog");
        for (int i = texts.size(); i < 63; i++) {
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(40);
            for (int w = 0; w < n; w++) {
                text.append(words[random.nextInt(words.length)]).append(w == n - 1 ? "." : " ");
            }
            texts.add(text.toString());
        }
        texts.add("a very long definition ".repeat(50));
        return texts;
    }

    private static SimilarityModel<String> model(Encoder<String> encoder) {
        return model(encoder, new EmptyHead(MiniLm.DIM));
    }

    private static SimilarityModel<String> model(Encoder<String> encoder, EncoderHead head) {
        return SimilarityModel.<String>builder().addEncoder("text", encoder).setHead(head).build();
    }

    /** Every text of the 64, encoded alone, equals its row of the batch of 64 and of the reversed batch. */
    private static void assertBatchInvariant(Encoder<String> encoder) {
        assertBatchInvariant(encoder, new EmptyHead(MiniLm.DIM));
    }

    private static void assertBatchInvariant(Encoder<String> encoder, EncoderHead head) {
        List<String> texts = sixtyFourTexts();
        List<String> reversed = new ArrayList<>(texts);
        java.util.Collections.reverse(reversed);
        try (SimilarityModel<String> model = model(encoder, head)) {
            float[][] together = model.encode(texts, 64);
            float[][] backwards = model.encode(reversed, 64);
            float[][] alone = model.encode(texts, 1);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(alone[i], together[i], "text " + i + " alone vs in the batch of 64");
                assertArrayEquals(alone[i], backwards[texts.size() - 1 - i], "text " + i + " alone vs reversed batch");
            }
        }
    }

    @Test
    void int8MiniLmGivesATextTheSameBitsAloneAndInABatch() {
        assertBatchInvariant(MiniLm.int8());
    }

    @Test
    void fp32MiniLmGivesATextTheSameBitsAloneAndInABatch() {
        assertBatchInvariant(MiniLm.fp32());
    }

    @Test
    void trainableMiniLmInferenceGivesATextTheSameBitsAloneAndInABatch() {
        assertBatchInvariant(TrainableMiniLm.pretrained(128));
    }

    @Test
    void aModelWithLinearHeadsGivesATextTheSameBitsAloneAndInABatch() {
        // matrix products over 64 rows round differently from the same product over one row: the head runs per row
        assertBatchInvariant(MiniLm.int8(), SequentialHead.of(new SkipConnectionHead(MiniLm.DIM),
                new LinearHead(MiniLm.DIM, 128), new NormalizeHead(128)));
    }

    @Test
    void paddedBatchesOfTheInt8ModelDependOnTheBatch() {
        OnnxSentenceEncoder padded = MiniLm.int8().withBatching(TextBatching.PADDED);
        assertEquals(TextBatching.PADDED, padded.batching());
        List<String> texts = sixtyFourTexts();
        try (SimilarityModel<String> model = model(padded)) {
            float[] together = model.encode(texts, 64)[0];
            float[] alone = model.encode(texts.subList(0, 1), 1)[0];
            double worst = 0;
            for (int j = 0; j < MiniLm.DIM; j++) {
                worst = Math.max(worst, Math.abs(together[j] - alone[j]));
            }
            // activations are quantised per batch tensor: the batch's range and padding move every value
            assertTrue(worst > 1e-3, "padded int8: max |diff| " + worst);
        }
    }

    @Test
    void theBatchingIsSavedSoACacheFingerprintChangesWithIt() throws Exception {
        String text = "a domesticated carnivorous mammal";
        float[] perText;
        try (SimilarityModel<String> model = model(MiniLm.int8())) {
            perText = model.encode(List.of(text), 1)[0];
            model.save(tmp.resolve("per-text"));
        }
        try (SimilarityModel<String> model = model(MiniLm.int8().withBatching(TextBatching.PADDED))) {
            model.save(tmp.resolve("padded"));
        }
        // the frozen-encoder cache fingerprints an encoder by its saved files: a changed mode refills the cache
        assertEquals("per_text", config(tmp.resolve("per-text")).get("batching").getAsString());
        assertEquals("padded", config(tmp.resolve("padded")).get("batching").getAsString());
        try (SimilarityModel<String> loaded = SimilarityModel.load(tmp.resolve("padded"), ModelRegistry.discover(),
                null, String.class)) {
            OnnxSentenceEncoder encoder = (OnnxSentenceEncoder) loaded.encoders().get("text");
            assertEquals(TextBatching.PADDED, encoder.batching());
        }
        // a servable saved without the setting runs per text
        Path configFile = tmp.resolve("per-text/encoders/text/config.json");
        JsonObject config = config(tmp.resolve("per-text"));
        config.remove("batching");
        rewrite(tmp.resolve("per-text"), configFile, config);
        try (SimilarityModel<String> loaded = SimilarityModel.load(tmp.resolve("per-text"), ModelRegistry.discover(),
                null, String.class)) {
            assertEquals(TextBatching.PER_TEXT, ((OnnxSentenceEncoder) loaded.encoders().get("text")).batching());
            assertArrayEquals(perText, loaded.encode(List.of(text, "another text in its batch"), 2)[0]);
        }
        config.addProperty("batching", "sorted");
        rewrite(tmp.resolve("per-text"), configFile, config);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SimilarityModel.load(
                tmp.resolve("per-text"), ModelRegistry.discover(), null, String.class));
        String message = bad.getMessage() + (bad.getCause() == null ? "" : " / " + bad.getCause().getMessage());
        assertTrue(message.contains("config.json") && message.contains("per_text or padded"), message);
    }

    @Test
    void aTrainableTransformerSavesItsBatching() throws Exception {
        TrainableTransformer encoder = TrainableMiniLm.builder(32).batching(TextBatching.PADDED).build();
        try (SimilarityModel<String> model = model(encoder)) {
            model.save(tmp.resolve("trainable"));
        }
        assertEquals("padded", com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(tmp.resolve(
                "trainable/encoders/text/encoder.json"))).getAsJsonObject().get("batching").getAsString());
        try (SimilarityModel<String> loaded = SimilarityModel.load(tmp.resolve("trainable"),
                ModelRegistry.discover(), null)) {
            assertEquals(TextBatching.PADDED, ((TrainableTransformer) loaded.encoders().get("text")).batching());
        }
    }

    /** Rewrites an encoder's config.json and its checksum in the model's config, as a hand edit would. */
    private static void rewrite(Path servable, Path file, JsonObject content) throws Exception {
        Files.writeString(file, content.toString());
        JsonObject model = JsonParser.parseString(Files.readString(servable.resolve("config.json"))).getAsJsonObject();
        model.getAsJsonObject("files").addProperty(servable.relativize(file).toString().replace('\\', '/'),
                Checksums.sha256(file));
        Files.writeString(servable.resolve("config.json"), model.toString());
    }

    private static JsonObject config(Path servable) throws Exception {
        return JsonParser.parseString(Files.readString(servable.resolve("encoders/text/config.json")))
                .getAsJsonObject();
    }
}
