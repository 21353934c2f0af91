package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collator;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.io.ModelFormatException;

/**
 * A model used with records of another type than it takes fails with a message naming both types: at load when the
 * load is typed, at the first encode when it is not; a Python servable handed to {@code SimilarityModel.load} is
 * pointed to {@code PythonServable.load}.
 */
class RecordTypeTest {

    /** Each text as (length, number of vowels). */
    private static final Collator<String> CHARS = (records, manager) -> {
        float[] flat = new float[records.size() * 2];
        for (int i = 0; i < records.size(); i++) {
            String text = records.get(i);
            flat[2 * i] = text.length();
            flat[2 * i + 1] = text.replaceAll("[^aeiou]", "").length();
        }
        return new NDList(manager.create(flat, new Shape(records.size(), 2)));
    };

    private static LambdaBlock identity() {
        return new LambdaBlock(list -> list, "identity");
    }

    private static ModelRegistry registry() {
        return ModelRegistry.discover().register(BlockEncoder.factory("chars", RecordTypeTest::identity, CHARS));
    }

    /** A model over String records, saved with or without its record type. */
    private static Path saveTextModel(Path dir, boolean recordType) throws Exception {
        SimilarityModel.Builder<String> builder = SimilarityModel.<String>builder()
                .setEncoder(BlockEncoder.<String>builder().setTypeName("chars").setBlock(identity()).setCollator(CHARS)
                        .setEmbeddingSize(2).optInputShapes(new Shape(1, 2)).build())
                .setHead(new EmptyHead(2));
        if (recordType) {
            builder.optRecordType(String.class);
        }
        try (SimilarityModel<String> model = builder.build()) {
            assertEquals(recordType ? "java.lang.String" : null, model.recordType());
            model.save(dir);
        }
        return dir;
    }

    @Test
    @SuppressWarnings("deprecation") // the untyped load is what is tested
    void anUntypedLoadUsedWithAnotherRecordTypeFailsAtEncodeNamingBothTypes(@TempDir Path tmp) throws Exception {
        Path dir = saveTextModel(tmp.resolve("text"), true);
        assertEquals("java.lang.String", JsonParser.parseString(Files.readString(dir.resolve("config.json")))
                .getAsJsonObject().get("record_type").getAsString(), "a hand-built model records its record type");
        try (SimilarityModel<float[]> wrong = SimilarityModel.load(dir, registry(), null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> wrong.encode(List.of(new float[] {1, 2}), 1));
            assertTrue(e.getMessage().contains("cannot take records of type float[]"), e.getMessage());
            assertTrue(e.getMessage().contains("this model takes java.lang.String records"), e.getMessage());
            assertTrue(e.getMessage().contains("SimilarityModel.load(dir, java.lang.String.class)"), e.getMessage());
            assertTrue(e.getCause() instanceof ClassCastException);
        }
        // without a recorded type the message still names the encoder and the type given
        Path untyped = saveTextModel(tmp.resolve("untyped"), false);
        try (SimilarityModel<float[]> wrong = SimilarityModel.load(untyped, registry(), null)) {
            SimilarityModelTest.assertMessage("encoder 'default' (chars) cannot take records of type float[]",
                    () -> wrong.encode(List.of(new float[] {1, 2}), 1));
        }
    }

    @Test
    void aTypedLoadRefusesAnotherRecordTypeNamingBoth(@TempDir Path tmp) throws Exception {
        Path dir = saveTextModel(tmp.resolve("text"), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimilarityModel.load(dir, registry(), null, float[].class));
        assertTrue(e.getMessage().contains("trained on records of type java.lang.String, not float[]"),
                e.getMessage());
        try (SimilarityModel<String> model = SimilarityModel.load(dir, registry(), null, String.class)) {
            assertEquals(2, model.encode(List.of("tree", "a"), 2).length);
        }
        try (SimilarityModel<Object> any = SimilarityModel.load(dir, registry(), null, Object.class)) {
            assertEquals("java.lang.String", any.recordType());
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"}) // a raw list smuggles a String past the compiler
    void theFloatVectorCollatorNamesTheRecordTypeItGot() {
        List raw = List.of("not a vector");
        SimilarityModelTest.assertMessage("takes float[] records, but record 0 is a java.lang.String",
                () -> Collators.floatVectors().collate(raw, null));
    }

    @Test
    void aPythonServableIsPointedToPythonServableLoad() throws Exception {
        Path python = java.util.Objects.requireNonNull(Paths.get(RecordTypeTest.class
                .getResource("/python-servables/expected.json").toURI()).getParent()).resolve("skip_connection");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SimilarityModel.load(python, Object.class).close());
        assertTrue(e.getMessage().contains("saved by Python Quaterion"), e.getMessage());
        assertTrue(e.getMessage().contains("PythonServable.load(dir, encoders, recordType)"), e.getMessage());
        assertFalse(e.getMessage().contains("format is null"), e.getMessage());
    }
}
