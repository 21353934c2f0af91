package org.quaterion.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.transformer.Pooling;

/**
 * The parts of a sentence-transformers model directory that say how token states become a sentence embedding:
 * {@code modules.json} (a {@code Normalize} module), {@code 1_Pooling/config.json} (the pooling mode) and
 * {@code sentence_bert_config.json} (the maximum length).
 */
final class SentenceTransformersLayout {

    private static final String MODULES = "modules.json";
    private static final String POOLING = "1_Pooling/config.json";
    private static final String SBERT = "sentence_bert_config.json";
    private static final String NORMALIZE_TYPE = "sentence_transformers.models.Normalize";

    private SentenceTransformersLayout() {}

    /** Sets the builder's pooling, normalisation and maximum length from the directory's files, where present. */
    static void apply(Path dir, TrainableTransformer.Builder builder) {
        Path pooling = dir.resolve(POOLING);
        if (Files.isRegularFile(pooling)) {
            builder.pooling(poolingOf(JsonFiles.read(pooling), pooling.toString()));
        }
        Path modules = dir.resolve(MODULES);
        if (Files.isRegularFile(modules)) {
            JsonElement list = JsonFiles.readElement(modules);
            boolean normalize = false;
            for (JsonElement m : list.getAsJsonArray()) {
                JsonObject o = m.getAsJsonObject();
                normalize |= o.has("type") && NORMALIZE_TYPE.equals(o.get("type").getAsString());
            }
            builder.normalize(normalize);
        }
        Path sbert = dir.resolve(SBERT);
        if (Files.isRegularFile(sbert)) {
            JsonObject c = JsonFiles.read(sbert);
            if (c.has("max_seq_length")) {
                builder.maxLength(c.get("max_seq_length").getAsInt());
            }
        }
    }

    private static Pooling poolingOf(JsonObject c, String where) {
        if (flag(c, "pooling_mode_cls_token")) {
            return Pooling.CLS;
        }
        if (flag(c, "pooling_mode_lasttoken")) {
            return Pooling.LAST;
        }
        if (flag(c, "pooling_mode_mean_tokens")) {
            return Pooling.MEAN;
        }
        throw new IllegalArgumentException(where + " selects a pooling mode other than mean, CLS or last token "
                + "(max or weighted-mean pooling are not supported): " + c);
    }

    private static boolean flag(JsonObject c, String key) {
        return c.has(key) && c.get(key).getAsBoolean();
    }

    /** Writes the three files for a model with this pooling, normalisation and length. */
    static void write(Path dir, Pooling pooling, boolean normalize, int maxLength) throws IOException {
        JsonArray modules = new JsonArray();
        modules.add(module(0, "", "sentence_transformers.models.Transformer"));
        modules.add(module(1, "1_Pooling", "sentence_transformers.models.Pooling"));
        if (normalize) {
            modules.add(module(2, "2_Normalize", NORMALIZE_TYPE));
        }
        JsonFiles.write(dir.resolve(MODULES), modules);
        Files.createDirectories(dir.resolve("1_Pooling"));
        JsonObject p = new JsonObject();
        p.addProperty("pooling_mode_cls_token", pooling == Pooling.CLS);
        p.addProperty("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
        p.addProperty("pooling_mode_max_tokens", false);
        p.addProperty("pooling_mode_lasttoken", pooling == Pooling.LAST);
        JsonFiles.write(dir.resolve(POOLING), p);
        JsonObject s = new JsonObject();
        s.addProperty("max_seq_length", maxLength);
        s.addProperty("do_lower_case", false);
        JsonFiles.write(dir.resolve(SBERT), s);
    }

    private static JsonObject module(int idx, String path, String type) {
        JsonObject m = new JsonObject();
        m.addProperty("idx", idx);
        m.addProperty("name", String.valueOf(idx));
        m.addProperty("path", path);
        m.addProperty("type", type);
        return m;
    }
}
