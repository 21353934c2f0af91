package org.quaterion.models.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.Fixtures;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;

/** The TorchScript module made by scripts/make_tiny_torchscript.py (torch 1.13), run on DJL's PyTorch 2.7.1. */
class TorchScriptEncoderTest {

    private static Path resource(String name) throws URISyntaxException {
        return Paths.get(TorchScriptEncoderTest.class.getResource("/torchscript/" + name).toURI());
    }

    private static List<float[]> expectedInput() throws Exception {
        double[][] in = Fixtures.matrix(com.google.gson.JsonParser.parseString(
                Files.readString(resource("tiny_mlp_expected.json"))).getAsJsonObject().get("input"));
        List<float[]> rows = new ArrayList<>();
        for (double[] r : in) {
            float[] f = new float[r.length];
            for (int j = 0; j < r.length; j++) {
                f[j] = (float) r[j];
            }
            rows.add(f);
        }
        return rows;
    }

    @Test
    void frozenModuleMatchesPythonAndRoundTrips(@TempDir Path tmp) throws Exception {
        double[][] expected = Fixtures.matrix(com.google.gson.JsonParser.parseString(
                Files.readString(resource("tiny_mlp_expected.json"))).getAsJsonObject().get("output"));
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TorchScriptEncoder.forVectors(resource("tiny_mlp.pt"), 4, false))
                .setHead(new EmptyHead(4)).build()) {
            float[][] out = model.encode(expectedInput(), 2);
            for (int i = 0; i < expected.length; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(expected[i][j], out[i][j], 1e-6, "row " + i);
                }
            }
            for (Pair<String, Parameter> p : model.encoders().get("default").parameters()) {
                assertFalse(p.getValue().requiresGradient(), p.getKey() + " must be frozen");
            }
            assertTrue(model.trainableParameters().isEmpty());
            model.save(tmp.resolve("ts"));
        }
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(tmp.resolve("ts"), float[].class)) {
            float[][] out = loaded.encode(expectedInput(), 3);
            assertEquals(expected[2][3], out[2][3], 1e-6);
        }
    }

    @Test
    void trainableModuleExposesAndPersistsItsParameters(@TempDir Path tmp) throws Exception {
        float[][] shifted;
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                .setEncoder(TorchScriptEncoder.forVectors(resource("tiny_mlp.pt"), 4, true))
                .setHead(new EmptyHead(4)).build()) {
            List<String> names = new ArrayList<>(model.trainableParameters().keys());
            assertTrue(names.contains("default.l2.bias"), "parameters: " + names);
            float[][] before = model.encode(expectedInput(), 3);
            Parameter bias = model.trainableParameters().get("default.l2.bias");
            assertTrue(bias.requiresGradient());
            bias.getArray().set(new float[] {1, 1, 1, 1});
            shifted = model.encode(expectedInput(), 3);
            assertTrue(Math.abs(shifted[0][0] - before[0][0]) > 1e-3, "changing the bias changes the output");
            model.save(tmp.resolve("ts"));
        }
        try (SimilarityModel<float[]> loaded = SimilarityModel.load(tmp.resolve("ts"), float[].class)) {
            float[][] out = loaded.encode(expectedInput(), 1);
            for (int i = 0; i < shifted.length; i++) {
                assertArrayEquals(shifted[i], out[i], 1e-6f);
            }
        }
    }

    @Test
    void missingModuleFileIsAClearError() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TorchScriptEncoder.forVectors(Path.of("no/such/model.pt"), 4, false));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void notATorchScriptFileIsAClearError(@TempDir Path tmp) throws IOException {
        Path bogus = Files.writeString(tmp.resolve("bogus.pt"), "not a zip");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SimilarityModel.<float[]>builder().setEncoder(TorchScriptEncoder.forVectors(bogus, 4, false))
                        .setHead(new EmptyHead(4)).build());
        assertTrue(e.getMessage().contains("cannot load the TorchScript module"), e.getMessage());
    }
}
