package org.quaterion.cache;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFields;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

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
     * Reads {@code dir/cache.json}, strictly: every member present with its type and in range, shard names that are
     * plain file names, used once each, whose rows add up to the total.
     *
     * @param dir the cache directory
     * @return the manifest
     * @throws ModelFormatException naming the file when it is missing or of another format; a
     *     {@link CorruptArtifactException} when it is malformed
     */
    public static CacheManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new CorruptArtifactException(file, "is not a regular file; " + CacheShard.FIX);
        }
        JsonObject o = JsonFiles.read(file);
        long format = JsonFields.integer(o, "format", Integer.MIN_VALUE, Integer.MAX_VALUE, file);
        if (format != CacheShard.FORMAT) {
            throw new ModelFormatException(file, "is of cache format " + format + ", this library reads format "
                    + CacheShard.FORMAT + "; " + CacheShard.FIX);
        }
        String precisionName = JsonFields.string(o, "precision", file);
        CacheConfig.Precision precision = Arrays.stream(CacheConfig.Precision.values())
                .filter(p -> p.name().equals(precisionName)).findFirst()
                .orElseThrow(() -> new CorruptArtifactException(file, "names an unknown precision '"
                        + (precisionName.length() > 40 ? precisionName.substring(0, 37) + "..." : precisionName)
                        + "'; " + CacheShard.FIX));
        List<CacheShard.Info> shards = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long total = 0;
        for (JsonElement e : JsonFields.array(o, "shards", file)) {
            if (!e.isJsonObject()) {
                throw new CorruptArtifactException(file, "lists a shard that is not an object; " + CacheShard.FIX);
            }
            CacheShard.Info shard = CacheShard.Info.read(e.getAsJsonObject(), file);
            if (!names.add(shard.name())) {
                throw new CorruptArtifactException(file, "lists shard '" + shard.name() + "' twice; " + CacheShard.FIX);
            }
            shards.add(shard);
            total = total + shard.rows() < 0 ? Long.MAX_VALUE : total + shard.rows();
        }
        long rows = JsonFields.integer(o, "rows", 0, Long.MAX_VALUE, file);
        if (total != rows) {
            throw new CorruptArtifactException(file, "lists shards of " + total + " rows in all but says " + rows
                    + " rows; " + CacheShard.FIX);
        }
        return new CacheManifest((int) format, JsonFields.string(o, "encoder", file),
                JsonFields.string(o, "encoder_fingerprint", file), precision,
                (int) JsonFields.integer(o, "batch_size", 1, Integer.MAX_VALUE, file),
                JsonFields.string(o, "data_fingerprint", file), rows,
                (int) JsonFields.integer(o, "dim", 1, Integer.MAX_VALUE, file), JsonFields.string(o, "built_by", file),
                shards);
    }
}
