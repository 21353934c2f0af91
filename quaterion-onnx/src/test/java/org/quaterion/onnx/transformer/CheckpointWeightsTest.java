package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.ModelFormatException;

/**
 * The facade: Hugging Face directories (safetensors, sharded safetensors, pytorch_model.bin written by PyTorch
 * itself), names brought to BertModel's, and directories or files holding no checkpoint refused naming what they
 * hold.
 */
class CheckpointWeightsTest {

    private static final Map<String, long[]> SHAPES = TinyBert.shapes(10, 4, 1, 8, 6, 2);

    /** The names and shapes of the fixtures written by scripts/fixtures/make_tiny_bert_checkpoints.py, in order. */
    private static Map<String, long[]> fixtureShapes() {
        Map<String, long[]> s = new LinkedHashMap<>(SHAPES);
        s.put("pooler.dense.weight", new long[] {4, 4});
        s.put("pooler.dense.bias", new long[] {4});
        return s;
    }

    /** The k-th fixture weight's i-th value: ((7 i + 13 k) mod 97 - 48) / 64, as the script writes it. */
    private static float[] fixtureValues(int k, long[] shape) {
        float[] v = new float[(int) Elements.of(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((7 * i + 13 * k) % 97 - 48) / 64f;
        }
        return v;
    }

    private static Path fixture(Path dir, String resource) throws Exception {
        Files.createDirectories(dir);
        Path target = dir.resolve("pytorch_model.bin");
        try (InputStream in = CheckpointWeightsTest.class.getResourceAsStream("/transformer/" + resource)) {
            Files.copy(in, target);
        }
        return dir;
    }

    private static void assertFixture(Map<String, WeightTensor> read) {
        int k = 0;
        for (Map.Entry<String, long[]> e : fixtureShapes().entrySet()) {
            WeightTensor w = read.get(e.getKey());
            assertTrue(w != null, e.getKey() + " is read");
            assertArrayEquals(e.getValue(), w.shape(), e.getKey());
            assertArrayEquals(fixtureValues(k++, e.getValue()), w.values(), e.getKey());
        }
    }

    @Test
    void aPytorchModelBinWrittenByTorchSaveIsReadUnderTodaysNames(@TempDir Path tmp) throws Exception {
        Map<String, WeightTensor> read = CheckpointWeights.read(fixture(tmp.resolve("old"), "tiny-bert-fp32.bin"));

        assertFixture(read);
        // bert. prefix and LayerNorm.gamma/beta renamed, position_ids (int64) left out, other heads kept
        assertEquals(fixtureShapes().size() + 2, read.size());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f},
                read.get("cls.predictions.bias").values());
        // arange(6).reshape(2, 3).t(): a non-contiguous view, read through its strides
        assertArrayEquals(new long[] {3, 2}, read.get("extra.transposed").shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, read.get("extra.transposed").values());
    }

    @Test
    void aFloat16AndBfloat16PytorchModelBinIsWidenedExactly(@TempDir Path tmp) throws Exception {
        Map<String, WeightTensor> read = CheckpointWeights.read(fixture(tmp.resolve("half"), "tiny-bert-half.bin")
                .resolve("pytorch_model.bin"));

        assertFixture(read);
        assertEquals(fixtureShapes().size(), read.size());
    }

    @Test
    void aHuggingFaceDirectoryWithSafetensorsRoundTripsBitForBitUnderBertModelNames(@TempDir Path tmp)
            throws Exception {
        Map<String, WeightTensor> weights = TinyBert.random(SHAPES, 3);
        List<SafetensorsFiles.Tensor> tensors = new ArrayList<>();
        weights.forEach((name, w) -> tensors.add(SafetensorsFiles.tensor("bert." + name.replace("LayerNorm.weight",
                "LayerNorm.gamma"), "F32", w.shape(), w.values())));
        tensors.add(SafetensorsFiles.int64("bert.embeddings.position_ids", new long[] {1, 6}, 0, 1, 2, 3, 4, 5));
        Files.writeString(tmp.resolve("config.json"), "{}");
        SafetensorsFiles.write(tmp.resolve("model.safetensors"), tensors);
        // a pytorch_model.bin beside it is not read: safetensors comes first
        Files.write(tmp.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});

        Map<String, WeightTensor> read = CheckpointWeights.read(tmp);

        assertEquals(List.copyOf(weights.keySet()), List.copyOf(read.keySet()));
        weights.forEach((name, w) -> {
            assertArrayEquals(w.shape(), read.get(name).shape(), name);
            for (int i = 0; i < w.values().length; i++) {
                assertEquals(Float.floatToRawIntBits(w.values()[i]), Float.floatToRawIntBits(read.get(name)
                        .values()[i]), name);
            }
        });
    }

    /** Writes the weights as two safetensors shards and their index; returns the index. */
    private static Path shard(Path dir, Map<String, WeightTensor> weights, Map<String, String> indexOverrides)
            throws Exception {
        List<SafetensorsFiles.Tensor> first = new ArrayList<>();
        List<SafetensorsFiles.Tensor> second = new ArrayList<>();
        JsonObject map = new JsonObject();
        weights.forEach((name, w) -> {
            boolean early = name.startsWith("embeddings.");
            (early ? first : second).add(SafetensorsFiles.tensor(name, "BF16", w.shape(), w.values()));
            map.addProperty(name, early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        });
        indexOverrides.forEach(map::addProperty);
        SafetensorsFiles.write(dir.resolve("model-00001-of-00002.safetensors"), first);
        SafetensorsFiles.write(dir.resolve("model-00002-of-00002.safetensors"), second);
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        index.add("weight_map", map);
        Path file = dir.resolve("model.safetensors.index.json");
        Files.writeString(file, index.toString(), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aShardedCheckpointIsReadWhole(@TempDir Path tmp) throws Exception {
        Map<String, WeightTensor> weights = TinyBert.random(SHAPES, 4);
        shard(tmp, weights, Map.of());

        Map<String, WeightTensor> read = CheckpointWeights.read(tmp);

        assertEquals(weights.keySet(), read.keySet());
        weights.forEach((name, w) -> {
            for (int i = 0; i < w.values().length; i++) { // BF16: the float rounded to its upper 16 bits
                assertEquals(bfloat16(w.values()[i]), read.get(name).values()[i], name);
            }
        });
    }

    /** The bfloat16 a float rounds to, as a float. */
    private static float bfloat16(float f) {
        return Float.intBitsToFloat((SafetensorsFiles.toBfloat16(f) & 0xffff) << 16);
    }

    @Test
    void aShardedPytorchModelBinIsReadThroughItsIndex(@TempDir Path tmp) throws Exception {
        Path shard = fixture(tmp, "tiny-bert-half.bin").resolve("pytorch_model.bin");
        Files.move(shard, tmp.resolve("pytorch_model-00001-of-00001.bin"));
        JsonObject map = new JsonObject();
        fixtureShapes().keySet().forEach(name -> map.addProperty(name, "pytorch_model-00001-of-00001.bin"));
        JsonObject index = new JsonObject();
        index.add("weight_map", map);
        Files.writeString(tmp.resolve("pytorch_model.bin.index.json"), index.toString());

        assertFixture(CheckpointWeights.read(tmp));
    }

    @Test
    void aShardIndexNamingAMissingShardAFileOutsideOrTheWrongShardIsRefused(@TempDir Path tmp) throws Exception {
        Map<String, WeightTensor> weights = TinyBert.random(SHAPES, 5);
        Path missing = shard(Files.createDirectory(tmp.resolve("missing")), weights,
                Map.of("extra.weight", "model-00003-of-00003.safetensors"));
        Path outside = shard(Files.createDirectory(tmp.resolve("outside")), weights,
                Map.of("extra.weight", "../secret.safetensors"));
        Path wrong = shard(Files.createDirectory(tmp.resolve("wrong")), weights,
                Map.of("embeddings.LayerNorm.bias", "model-00002-of-00002.safetensors"));

        assertTrue(assertThrows(ModelFormatException.class, () -> CheckpointWeights.read(missing)).getMessage()
                .contains("names shard 'model-00003-of-00003.safetensors', which is missing beside it"));
        assertTrue(assertThrows(ModelFormatException.class, () -> CheckpointWeights.read(outside)).getMessage()
                .contains("names shard '../secret.safetensors': a shard is a file beside its index"));
        String message = assertThrows(ModelFormatException.class, () -> CheckpointWeights.read(wrong)).getMessage();
        assertTrue(message.contains("maps weight 'embeddings.LayerNorm.bias' to model-00002-of-00002.safetensors, "
                + "which does not hold it (model-00001-of-00002.safetensors does)"), message);
    }

    @Test
    void aDirectoryWithoutWeightsIsRefusedNamingWhatItHolds(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{}");
        Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        Files.createDirectory(tmp.resolve("1_Pooling"));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> CheckpointWeights.read(tmp));

        assertEquals(tmp + " holds no checkpoint (model.safetensors, model.safetensors.index.json, pytorch_model.bin "
                + "or pytorch_model.bin.index.json); it holds [1_Pooling/, config.json, tokenizer.json]: download "
                + "the model's weights, or give its .onnx file", e.getMessage());
    }

    @Test
    void aFileOfAnotherFormatOrAMissingPathIsRefused(@TempDir Path tmp) throws Exception {
        Path gguf = tmp.resolve("model.gguf");
        Files.write(gguf, new byte[16]);

        assertTrue(assertThrows(ModelFormatException.class, () -> CheckpointWeights.read(gguf)).getMessage()
                .contains("is of no checkpoint format read here"));
        assertTrue(assertThrows(ModelFormatException.class, () -> CheckpointWeights.read(tmp.resolve("nope.onnx")))
                .getMessage().contains("is missing"));
    }

    @Test
    void namesLoseTheirModelPrefixesAndOldLayerNormNames() {
        assertEquals("encoder.layer.3.output.dense.weight", WeightNames.normalise(
                "0.auto_model.encoder.layer.3.output.dense.weight"));
        assertEquals("embeddings.word_embeddings.weight", WeightNames.normalise("roberta.embeddings.word_embeddings"
                + ".weight"));
        assertEquals("embeddings.LayerNorm.weight", WeightNames.normalise("bert.embeddings.LayerNorm.gamma"));
        assertEquals("encoder.layer.0.output.LayerNorm.bias", WeightNames.normalise(
                "model.encoder.layer.0.output.LayerNorm.beta"));
        assertEquals("cls.predictions.bias", WeightNames.normalise("cls.predictions.bias"));
        assertTrue(WeightNames.isBuffer("bert.embeddings.position_ids"));
    }

    @Test
    void twoNamesOfTheSameWeightAreRefused(@TempDir Path tmp) {
        WeightTensor w = new WeightTensor(new long[] {1}, new float[] {1});
        Map<String, WeightTensor> both = new LinkedHashMap<>();
        both.put("bert.pooler.dense.bias", w);
        both.put("pooler.dense.bias", w);

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightNames.normalise(both, tmp));

        assertTrue(e.getMessage().contains("holds both 'bert.pooler.dense.bias' and 'pooler.dense.bias', which name "
                + "the same weight 'pooler.dense.bias'"), e.getMessage());
    }
}
