package org.quaterion.models.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.TorchScriptEncoder;
import org.quaterion.models.io.ModelFormatException;

/**
 * Servables in Python Quaterion's format, made by scripts/make_python_servables.py with torch 1.13 (one per head
 * type, trained-looking weights): the Java model's outputs equal the Python model's.
 */
class PythonServableTest {

    private static Path resources() throws Exception {
        return Paths.get(PythonServableTest.class.getResource("/python-servables/expected.json").toURI()).getParent();
    }

    private static Map<String, Encoder<float[]>> encoder(Path servable) throws java.io.IOException {
        return Map.of("default", TorchScriptEncoder.forVectors(servable.resolve("encoders/default/model.pt"), 4,
                false));
    }

    private static List<float[]> input(JsonObject expected) {
        List<float[]> rows = new ArrayList<>();
        for (JsonElement row : expected.getAsJsonArray("input")) {
            JsonArray a = row.getAsJsonArray();
            float[] r = new float[a.size()];
            for (int j = 0; j < r.length; j++) {
                r[j] = a.get(j).getAsFloat();
            }
            rows.add(r);
        }
        return rows;
    }

    private static void assertOutputs(JsonArray expected, float[][] actual, String what) {
        assertEquals(expected.size(), actual.length, what);
        for (int i = 0; i < actual.length; i++) {
            JsonArray row = expected.get(i).getAsJsonArray();
            assertEquals(row.size(), actual[i].length, what + " width");
            for (int j = 0; j < row.size(); j++) {
                double e = Double.parseDouble(row.get(j).getAsString());
                assertEquals(e, actual[i][j], 1e-5 * Math.max(1, Math.abs(e)), what + " [" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void everyHeadTypeEncodesAsThePythonModelDid(@TempDir Path tmp) throws Exception {
        JsonObject expected = JsonParser.parseString(Files.readString(resources().resolve("expected.json")))
                .getAsJsonObject();
        List<float[]> input = input(expected);
        int checked = 0;
        for (String name : expected.getAsJsonObject("outputs").keySet()) {
            Path servable = resources().resolve(name);
            JsonArray outputs = expected.getAsJsonObject("outputs").getAsJsonArray(name);
            try (SimilarityModel<float[]> model = PythonServable.load(servable, encoder(servable), float[].class)) {
                assertOutputs(outputs, model.encode(input, 2), name);
                model.save(tmp.resolve(name)); // from here on a Java servable
            }
            // the Java servable records its record type, which typed loads check
            assertEquals("[F", JsonParser.parseString(Files.readString(tmp.resolve(name).resolve("config.json")))
                    .getAsJsonObject().get("record_type").getAsString(), name);
            IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                    () -> SimilarityModel.load(tmp.resolve(name), String.class));
            assertTrue(wrongType.getMessage().contains("records of type float[], not java.lang.String"),
                    wrongType.getMessage());
            try (SimilarityModel<float[]> again = SimilarityModel.load(tmp.resolve(name), float[].class)) {
                assertOutputs(outputs, again.encode(input, 5), name + " after save and load");
            }
            checked++;
        }
        System.out.println(checked + " Python Quaterion servables checked against their Python outputs");
        assertEquals(6, checked);
    }

    @Test
    void mismatchedEncodersUnsupportedHeadsAndForeignFilesAreRefused(@TempDir Path tmp) throws Exception {
        Path skip = resources().resolve("skip_connection");
        IllegalArgumentException keys = assertThrows(IllegalArgumentException.class,
                () -> PythonServable.load(skip, Map.of("text", encoder(skip).get("default")), float[].class));
        assertTrue(keys.getMessage().contains("[default]"), keys.getMessage());

        Path copy = tmp.resolve("sequential");
        try (Stream<Path> files = Files.walk(skip)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(skip.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.writeString(copy.resolve("config.json"), Files.readString(copy.resolve("config.json"))
                .replace("SkipConnectionHead", "SequentialHead"));
        ModelFormatException sequential = assertThrows(ModelFormatException.class,
                () -> PythonServable.load(copy, encoder(skip), float[].class));
        assertTrue(sequential.getMessage().contains("SequentialHead"), sequential.getMessage());

        Files.writeString(copy.resolve("config.json"), Files.readString(copy.resolve("config.json"))
                .replace("SequentialHead", "SkipConnectionHead"));
        Files.writeString(copy.resolve("head/weights.bin"), "not a zip");
        assertThrows(org.quaterion.models.io.CorruptArtifactException.class,
                () -> PythonServable.load(copy, encoder(skip), float[].class));

        assertThrows(ModelFormatException.class, () -> PythonServable.load(tmp, encoder(skip), float[].class));
    }
}
