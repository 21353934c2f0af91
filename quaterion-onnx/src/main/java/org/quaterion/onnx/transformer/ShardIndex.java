package org.quaterion.onnx.transformer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * Reads a sharded Hugging Face checkpoint: an index ({@code model.safetensors.index.json} or
 * {@code pytorch_model.bin.index.json}) whose {@code weight_map} names, for each weight, the shard file beside it
 * that holds it. Every shard is read once; every weight the index lists must be in its shard, and no weight may be in
 * two shards.
 */
final class ShardIndex {

    /** The largest index read: an index lists about 100 bytes per weight. */
    static final long MAX_INDEX_BYTES = 64L << 20;

    /** Reads one shard. */
    interface ShardReader {
        /**
         * The weights of one shard, by the names the file gives them.
         *
         * @param shard the shard file
         * @return its weights
         * @throws IOException when it cannot be read
         */
        Map<String, WeightTensor> read(Path shard) throws IOException;
    }

    private ShardIndex() {}

    /**
     * Reads every shard an index names.
     *
     * @param index the index file
     * @param reader what reads one shard
     * @return the weights of all shards, by the names the files give them
     * @throws IOException when a file cannot be read
     * @throws ModelFormatException when the index is malformed, names a shard outside its directory or a missing
     *     one, or a weight is not where the index says
     */
    static Map<String, WeightTensor> read(Path index, ShardReader reader) throws IOException {
        Map<String, String> weightMap = weightMap(index);
        Set<String> shards = new LinkedHashSet<>(weightMap.values());
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        Map<String, String> shardOf = new LinkedHashMap<>();
        for (String shard : shards) {
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")
                    || shard.equals(".")) {
                throw new ModelFormatException(index, "names shard '" + shorten(shard) + "': a shard is a file "
                        + "beside its index");
            }
            Path file = index.resolveSibling(shard);
            if (!Files.isRegularFile(file)) {
                throw new ModelFormatException(index, "names shard '" + shard + "', which is missing beside it: "
                        + "download every shard of the checkpoint");
            }
            for (Map.Entry<String, WeightTensor> e : reader.read(file).entrySet()) {
                String before = shardOf.putIfAbsent(e.getKey(), shard);
                if (before != null) {
                    throw new ModelFormatException(index, "has weight '" + shorten(e.getKey()) + "' in two shards, "
                            + before + " and " + shard + ": the checkpoint is damaged");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        weightMap.forEach((name, shard) -> {
            if (!shard.equals(shardOf.get(name)) && !WeightNames.isBuffer(name)) {
                throw new ModelFormatException(index, "maps weight '" + shorten(name) + "' to " + shard + ", which "
                        + "does not hold it" + (shardOf.containsKey(name) ? " (" + shardOf.get(name) + " does)" : "")
                        + ": the checkpoint is damaged or its shards are of another version");
            }
        });
        return out;
    }

    private static Map<String, String> weightMap(Path index) throws IOException {
        if (Files.size(index) > MAX_INDEX_BYTES) {
            throw new ModelFormatException(index, "is " + Files.size(index) + " bytes, more than the " + MAX_INDEX_BYTES
                    + " a checkpoint index may have");
        }
        JsonElement json;
        try (InputStream in = Files.newInputStream(index)) {
            byte[] bytes = in.readNBytes((int) MAX_INDEX_BYTES + 1);
            if (bytes.length > MAX_INDEX_BYTES) {
                throw new ModelFormatException(index, "grew past " + MAX_INDEX_BYTES + " bytes while it was read");
            }
            json = JsonParser.parseString(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException | JsonParseException | IllegalStateException e) {
            throw new CorruptArtifactException(index, "is not valid UTF-8 JSON (" + shorten(String.valueOf(
                    e.getMessage())) + ")", e);
        }
        JsonElement map = json.isJsonObject() ? json.getAsJsonObject().get("weight_map") : null;
        if (map == null || !map.isJsonObject()) {
            throw new CorruptArtifactException(index, "has no 'weight_map' object: it is not a Hugging Face "
                    + "checkpoint index");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) map).entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new CorruptArtifactException(index, "maps weight '" + shorten(e.getKey()) + "' to "
                        + shorten(v.toString()) + ", not to a shard file name");
            }
            out.put(e.getKey(), v.getAsString());
        }
        return out;
    }

    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
