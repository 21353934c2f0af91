package org.quaterion.models.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.Fixtures;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;

/** Every head against quaterion_models' outputs on fixed weights (heads_distances.json), in float64. */
class HeadsFixtureTest {

    private static final Map<String, String> TYPE_OF_CLASS = Map.of(
            "EmptyHead", EmptyHead.TYPE,
            "GatedHead", GatedHead.TYPE,
            "SkipConnectionHead", SkipConnectionHead.TYPE,
            "StackedProjectionHead", StackedProjectionHead.TYPE,
            "WideningHead", WideningHead.TYPE,
            "SoftmaxEmbeddingsHead", SoftmaxEmbeddingsHead.TYPE);

    @Test
    void headsMatchQuaterionModelsOutputs() {
        JsonObject fixture = Fixtures.read("heads_distances.json");
        double[][] input = Fixtures.matrix(fixture.get("input"));
        ModelRegistry registry = ModelRegistry.discover();
        int checked = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (JsonElement element : fixture.getAsJsonArray("heads")) {
                JsonObject c = element.getAsJsonObject();
                String id = c.get("id").getAsString();
                EncoderHead head = build(registry, c);
                head.initialize(manager, DataType.FLOAT64);
                assertEquals(c.get("output_size").getAsInt(), head.outputSize(), id + " output size");
                checkInitialValues(c, head, id);
                setParameters(c, head, id);
                NDArray x = manager.create(input);
                NDArray y = head.apply(new ParameterStore(manager, false), x, null, false);
                assertEquals(new Shape(input.length, head.outputSize()), y.getShape(), id + " shape");
                assertClose(Fixtures.matrix(c.get("output")), y.toDoubleArray(), 1e-9, id);
                checked++;
            }
        }
        System.out.println(checked + " head cases checked");
        assertTrue(checked > 0, "no head cases found in " + Fixtures.source());
    }

    @Test
    void savedAndLoadedHeadsEncodeTheSame(@TempDir Path tmp) throws Exception {
        JsonObject fixture = Fixtures.read("heads_distances.json");
        ModelRegistry registry = ModelRegistry.discover().register(TestModels.lambdaFactory("identity", x -> x));
        List<float[]> records = TestModels.rows(5, 8, 3);
        int checked = 0;
        for (JsonElement element : fixture.getAsJsonArray("heads")) {
            JsonObject c = element.getAsJsonObject();
            String id = c.get("id").getAsString();
            Path dir = tmp.resolve(id);
            float[][] before;
            try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder()
                    .setEncoder(TestModels.lambdaEncoder("identity", 8, x -> x)).setHead(build(registry, c))
                    .build()) {
                setParameters(c, model.head(), id);
                before = model.encode(records, 2);
                model.save(dir);
            }
            try (SimilarityModel<float[]> loaded = SimilarityModel.load(dir, registry, null, float[].class)) {
                assertEquals(c.get("config").getAsJsonObject().get("input_embedding_size").getAsInt(),
                        loaded.head().inputSize());
                float[][] after = loaded.encode(records, 3);
                for (int i = 0; i < before.length; i++) {
                    for (int j = 0; j < before[i].length; j++) {
                        assertEquals(before[i][j], after[i][j], 1e-6, id + " row " + i);
                    }
                }
            }
            assertTrue(Files.exists(dir.resolve("config.json")));
            checked++;
        }
        assertTrue(checked > 0);
    }

    private static EncoderHead build(ModelRegistry registry, JsonObject c) {
        String type = TYPE_OF_CLASS.get(c.get("class").getAsString());
        if (type == null) {
            fail("no head type for fixture class " + c.get("class"));
        }
        JsonObject description = new JsonObject();
        description.addProperty("type", type);
        description.add("config", c.get("config"));
        return registry.createHead(description);
    }

    private static void checkInitialValues(JsonObject c, EncoderHead head, String id) {
        if (!c.has("init_params") || c.get("init_params").isJsonNull()) {
            return;
        }
        JsonObject init = c.getAsJsonObject("init_params");
        Map<String, Parameter> params = head.namedParameters();
        for (String name : init.keySet()) {
            Parameter p = params.get(name);
            assertTrue(p != null, id + ": no parameter " + name + " in " + params.keySet());
            assertClose(new double[][] {Fixtures.flat(init.get(name))}, p.getArray().toDoubleArray(), 1e-12,
                    id + " initial " + name);
        }
    }

    private static void setParameters(JsonObject c, EncoderHead head, String id) {
        JsonObject values = c.getAsJsonObject("params");
        Map<String, Parameter> params = head.namedParameters();
        assertEquals(values.keySet(), params.keySet(), id + " parameter names");
        for (String name : values.keySet()) {
            NDArray array = params.get(name).getArray();
            double[] v = Fixtures.flat(values.get(name));
            assertEquals(array.size(), v.length, id + " size of " + name);
            if (array.getDataType() == DataType.FLOAT64) {
                array.set(v);
            } else {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                array.set(f);
            }
        }
    }

    static void assertClose(double[][] expected, double[] actual, double rel, String what) {
        int cols = expected[0].length;
        assertEquals(expected.length * cols, actual.length, what + " size");
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < cols; j++) {
                double e = expected[i][j];
                double a = actual[i * cols + j];
                if (Math.abs(e - a) > rel * Math.max(1, Math.abs(e))) {
                    fail(what + "[" + i + "][" + j + "]: expected " + e + " got " + a);
                }
            }
        }
    }
}
