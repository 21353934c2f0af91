package org.quaterion.cache;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.internal.JsonFiles;

/**
 * A cache's {@code cache.json}: what the rows were computed from and which shards hold them. Written last, so a
 * directory without it is not a cache.
 *
 * @param format the format version ({@link CacheShard#FORMAT})
 * @param encoder the encoder's name in its model
 * @param encoderFingerprint SHA-256 of the encoder's type, size and saved files
 * @param precision storage precision
 * @param batchSize records per forward pass when the rows were computed (int8 models depend on it)
 * @param dataFingerprint the {@link DataFingerprint} of every (key, record hash) row
 * @param rows total rows
 * @param dim embedding size
 * @param builtBy what built it ({@code local} or {@code spark})
 * @param shards the shards, in row order
 */
public record CacheManifest(int format, String encoder, String encoderFingerprint, CacheConfig.Precision precision,
        int batchSize, String dataFingerprint, long rows, int dim, String builtBy, List<CacheShard.Info> shards) {

    /** The file name. */
    public static final String FILE = "cache.json";

    /** Copies the shard list. */
    public CacheManifest {
        shards = List.copyOf(shards);
    }

    /**
     * Writes {@code dir/cache.json}.
     *
     * @param dir the cache directory
     * @throws IOException when writing fails
     */
    public void write(Path dir) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("format", format);
        o.addProperty("encoder", encoder);
        o.addProperty("encoder_fingerprint", encoderFingerprint);
        o.addProperty("precision", precision.name());
        o.addProperty("batch_size", batchSize);
        o.addProperty("data_fingerprint", dataFingerprint);
        o.addProperty("rows", rows);
        o.addProperty("dim", dim);
        o.addProperty("built_by", builtBy);
        JsonArray list = new JsonArray();
        shards.forEach(s -> list.add(s.toJson()));
        o.add("shards", list);
        JsonFiles.write(dir.resolve(FILE), o);
    }

    /**
     * Reads {@code dir/cache.json}.
     *
     * @param dir the cache directory
     * @return the manifest
     * @throws IllegalArgumentException when it is missing, of another format or malformed
     */
    public static CacheManifest read(Path dir) {
        JsonObject o = JsonFiles.read(dir.resolve(FILE));
        int format = o.has("format") ? o.get("format").getAsInt() : -1;
        if (format != CacheShard.FORMAT) {
            throw new IllegalArgumentException("cache format " + format + " is not " + CacheShard.FORMAT);
        }
        List<CacheShard.Info> shards = new ArrayList<>();
        o.getAsJsonArray("shards").forEach(s -> shards.add(CacheShard.Info.fromJson(s.getAsJsonObject())));
        return new CacheManifest(format, o.get("encoder").getAsString(), o.get("encoder_fingerprint").getAsString(),
                CacheConfig.Precision.valueOf(o.get("precision").getAsString()), o.get("batch_size").getAsInt(),
                o.get("data_fingerprint").getAsString(), o.get("rows").getAsLong(), o.get("dim").getAsInt(),
                o.get("built_by").getAsString(), shards);
    }
}
