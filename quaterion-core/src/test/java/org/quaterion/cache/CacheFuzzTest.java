package org.quaterion.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;
import org.quaterion.models.ArtifactDamage;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.ModelFormatException;

/**
 * Damaged cache stores: random truncations and bit flips of every file of a store, manifests with members missing or
 * mistyped, and huge declared counts. {@link EmbeddingStore#problem} names the damaged file (the fit then refills a
 * persisted cache, a prebuilt one is refused); {@link EmbeddingStore#open} throws only a {@link ModelFormatException}
 * naming a file; nothing throws a raw exception or runs out of memory.
 */
class CacheFuzzTest {

    /** Fixed, printed, and overridable with {@code -Dquaterion.fuzz.seed} to replay a failure. */
    private static final long SEED = Long.getLong("quaterion.fuzz.seed", 20_270_527L);
    private static final int CASES = 300;
    private static final int ROWS = 24;
    private static final int DIM = 4;

    @TempDir
    Path tmp;

    private static List<String> keys(int from, int to) {
        // multi-byte UTF-8 keys: a flip inside one can make the line invalid text
        return IntStream.range(from, to).mapToObj(i -> "ключ-" + i).toList();
    }

    private static List<String> hashes(List<String> keys) {
        return keys.stream().map(k -> RecordHash.of("record " + k)).toList();
    }

    private static float[] values(int from, int to) {
        float[] v = new float[(to - from) * DIM];
        for (int i = 0; i < v.length; i++) {
            v[i] = from * DIM + i + 0.25f;
        }
        return v;
    }

    /** A single-shard float32 store, as a local fill writes it. */
    private static Path localStore(Path dir) throws IOException {
        CacheManifest template = new CacheManifest(CacheShard.FORMAT, "enc", "fp", CacheConfig.Precision.FLOAT32, 8,
                "", ROWS, DIM, "local", List.of());
        try (NDManager m = NDManager.newBaseManager()) {
            EmbeddingStore.write(dir, keys(0, ROWS), hashes(keys(0, ROWS)), template, sink -> {
                sink.append(m.create(values(0, 10), new Shape(10, DIM)));
                sink.append(m.create(values(10, ROWS), new Shape(ROWS - 10, DIM)));
            });
        }
        return dir;
    }

    /** A float16 store of three shards, one of them empty, as a Spark job writes it. */
    private static Path shardedStore(Path dir) throws IOException {
        Files.createDirectories(dir);
        int[] bounds = {0, 10, 10, ROWS};
        List<CacheShard.Info> shards = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int s = 0; s < 3; s++) {
                String name = String.format("part-%05d", s);
                try (CacheShard.Writer w = new CacheShard.Writer(dir.resolve(name + CacheShard.DATA),
                        dir.resolve(name + CacheShard.KEYS), DIM, CacheConfig.Precision.FLOAT16.dataType())) {
                    if (bounds[s + 1] > bounds[s]) {
                        List<String> k = keys(bounds[s], bounds[s + 1]);
                        w.append(k, hashes(k), m.create(values(bounds[s], bounds[s + 1]),
                                new Shape(bounds[s + 1] - bounds[s], DIM)));
                    }
                    shards.add(w.finish(name));
                }
            }
        }
        new CacheManifest(CacheShard.FORMAT, "enc", "fp", CacheConfig.Precision.FLOAT16, 8,
                DataFingerprint.of(keys(0, ROWS), hashes(keys(0, ROWS))), ROWS, DIM, "spark", shards).write(dir);
        return dir;
    }

    /** Every row of a store, in row order. */
    private static float[] allRows(EmbeddingStore store) {
        try (NDManager m = NDManager.newBaseManager()) {
            return store.rows(IntStream.range(0, (int) store.rows()).toArray(), m).toFloatArray();
        }
    }

    @Test
    void truncatedOrBitFlippedFilesAreNamedByProblemAndOpenOrReadTheOriginalRows() throws Exception {
        System.out.println("CacheFuzzTest seed " + SEED + " (replay with -Dquaterion.fuzz.seed=" + SEED + ")");
        Random random = new Random(SEED);
        List<Path> pristine = List.of(localStore(tmp.resolve("local")), shardedStore(tmp.resolve("sharded")));
        float[] expected = values(0, ROWS);
        int refused = 0;
        for (int c = 0; c < CASES; c++) {
            ArtifactDamage.DamagedCopy damaged = ArtifactDamage.damagedCopy(pristine.get(c % 2),
                    tmp.resolve("case-" + c), random, "case " + c + " (seed " + SEED + ")");
            Path dir = damaged.dir();
            Path file = damaged.file();
            String what = damaged.what();
            String problem;
            try {
                problem = EmbeddingStore.problem(dir);
            } catch (Throwable e) { // a raw exception or an OOM is the failure this test looks for
                throw new AssertionError(what + ": problem() threw " + e, e);
            }
            if (problem != null) {
                refused++;
                assertTrue(problem.contains(dir.toString()), what + ": the reason names no file: " + problem);
                if (Boolean.getBoolean("quaterion.fuzz.print")) {
                    System.out.println(what + " -> " + problem);
                }
            } else {
                // only the manifest's descriptive members can change unnoticed: every data byte is checksummed
                assertEquals(CacheManifest.FILE, file.getFileName().toString(), what + " passed the checks");
            }
            try (EmbeddingStore store = EmbeddingStore.open(dir)) {
                float[] rows = allRows(store);
                if (problem == null) {
                    assertArrayEquals(expected, rows, 1e-3f, what);
                    List<String> keys = keys(0, ROWS);
                    for (int i = 0; i < ROWS; i++) {
                        assertEquals(i, store.row(keys.get(i)), what);
                    }
                }
            } catch (ModelFormatException e) {
                assertNotNull(problem, what + ": open refused a store that problem() passed: " + e.getMessage());
                assertTrue(e.getMessage().startsWith(dir.toString()), what + ": " + e.getMessage());
            } catch (Throwable e) {
                throw new AssertionError(what + ": open() threw " + e, e);
            }
            AtomicDirectory.deleteRecursively(dir);
        }
        System.out.println("CacheFuzzTest: " + refused + " of " + CASES + " damaged stores refused, the others "
                + "differed in a descriptive manifest member and read the original rows");
        assertTrue(refused > CASES / 2, refused + " of " + CASES + " damaged stores refused");
    }

    @Test
    void aDamagedPersistedCacheIsRefilledWithTheEncodersRows() throws Exception {
        Random random = new Random(SEED + 1);
        AtomicInteger calls = new AtomicInteger();
        List<float[]> records = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            records.add(new float[] {i, -i, 2 * i, 0.5f});
        }
        List<String> keys = keys(0, ROWS);
        CacheConfig<float[]> config = CacheConfig.<float[]>of(CacheType.AUTO).withSaveDir(tmp.resolve("save"))
                .withBatchSize(8);
        try (NDManager device = NDManager.newBaseManager()) {
            Encoder<float[]> encoder = countedEncoder(device, calls);
            Path dir = tmp.resolve("save/encoders/e");
            for (int c = 0; c < 40; c++) {
                calls.set(0);
                String what = "case " + c + " (seed " + (SEED + 1) + ")";
                boolean manifestChanged = false;
                if (c > 0) {
                    List<Path> files = ArtifactDamage.dataFiles(dir);
                    Path file = files.get(random.nextInt(files.size()));
                    what += ": " + ArtifactDamage.truncateOrFlip(file, random) + " of " + file.getFileName();
                    manifestChanged = String.valueOf(file.getFileName()).equals(CacheManifest.FILE);
                }
                String problem = Files.isDirectory(dir) ? EmbeddingStore.problem(dir) : "new";
                try (EncoderCache cache = EncoderCache.build("e", encoder, keys, records, config, CacheType.AUTO,
                        device, (done, total) -> { })) {
                    try (NDManager m = device.newSubManager()) {
                        NDArray looked = cache.lookup(keys, m);
                        for (int i = 0; i < ROWS; i++) {
                            assertArrayEquals(new float[] {2 * i, -2 * i, 4 * i, 1f},
                                    looked.get(i).toFloatArray(), 1e-6f, what + ", row " + i);
                        }
                    }
                }
                if (problem != null) {
                    assertTrue(calls.get() > 0, what + ": a damaged cache is refilled (" + problem + ")");
                } else {
                    // an intact store is loaded, unless a flip changed a fingerprint in the manifest (stale: refill)
                    assertTrue(calls.get() == 0 || manifestChanged, what + ": an intact cache was refilled");
                }
            }
        }
    }

    @Test
    void manifestMembersMissingOrMistypedAreNamedAndRefused() throws Exception {
        Path dir = localStore(tmp.resolve("store"));
        Path manifest = dir.resolve(CacheManifest.FILE);
        JsonObject original = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        for (String key : original.keySet()) {
            JsonElement value = original.get(key);
            for (String replacement : new String[] {null, "\"text\"", "[1]", "{}", "1.5", "-3", "1e30"}) {
                boolean sameType = replacement != null && replacement.startsWith("\"")
                        && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() && !key.equals("precision");
                if (sameType) {
                    continue; // another string in a descriptive member is a valid manifest
                }
                JsonObject changed = original.deepCopy();
                if (replacement == null) {
                    changed.remove(key);
                } else {
                    changed.add(key, JsonParser.parseString(replacement));
                }
                Files.writeString(manifest, changed.toString());
                String what = key + " := " + replacement;
                String problem = EmbeddingStore.problem(dir);
                assertNotNull(problem, what);
                assertTrue(problem.startsWith(manifest.toString()), what + ": " + problem);
                ModelFormatException e = assertThrows(ModelFormatException.class, () -> EmbeddingStore.open(dir), what);
                assertTrue(e.getMessage().startsWith(manifest.toString()), what + ": " + e.getMessage());
            }
        }
        // a shard name that is a path is refused, never resolved
        JsonObject traversal = original.deepCopy();
        traversal.getAsJsonArray("shards").get(0).getAsJsonObject().addProperty("name", "../../elsewhere");
        Files.writeString(manifest, traversal.toString());
        assertTrue(EmbeddingStore.problem(dir).contains("not a plain file name"), EmbeddingStore.problem(dir));
    }

    @Test
    void hugeDeclaredCountsAreRefusedBeforeAnythingIsAllocated() throws Exception {
        Path dir = localStore(tmp.resolve("store"));
        Path manifest = dir.resolve(CacheManifest.FILE);
        JsonObject o = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        // the manifest and its shard agree on a billion rows; the files hold 24
        o.addProperty("rows", 1_000_000_000L);
        o.getAsJsonArray("shards").get(0).getAsJsonObject().addProperty("rows", 1_000_000_000L);
        Files.writeString(manifest, o.toString());
        Path data = dir.resolve("part-00000.bin");
        assertTrue(EmbeddingStore.problem(dir).startsWith(data.toString()), EmbeddingStore.problem(dir));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EmbeddingStore.open(dir));
        assertTrue(e.getMessage().startsWith(data.toString()), e.getMessage());
        // and beyond what one store can address
        o.addProperty("rows", 5_000_000_000L);
        o.getAsJsonArray("shards").get(0).getAsJsonObject().addProperty("rows", 5_000_000_000L);
        Files.writeString(manifest, o.toString());
        e = assertThrows(ModelFormatException.class, () -> EmbeddingStore.open(dir));
        assertTrue(e.getMessage().startsWith(manifest + " lists 5000000000 rows"), e.getMessage());
        // a header of zero-width rows: any row count fits a 32-byte file
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE)
                    .putInt(0);
            header.flip();
            ch.write(header, 16);
            ch.truncate(CacheShard.HEADER);
        }
        o.addProperty("rows", ROWS);
        o.getAsJsonArray("shards").get(0).getAsJsonObject().addProperty("rows", ROWS);
        Files.writeString(manifest, o.toString());
        assertTrue(EmbeddingStore.problem(dir).startsWith(data.toString()), EmbeddingStore.problem(dir));
        e = assertThrows(ModelFormatException.class, () -> EmbeddingStore.open(dir));
        assertTrue(e.getMessage().startsWith(data.toString()), e.getMessage());
    }

    @Test
    void readsAfterCloseSayTheStoreOrTheCacheIsClosed() throws Exception {
        Path dir = localStore(tmp.resolve("store"));
        EmbeddingStore store = EmbeddingStore.open(dir);
        assertEquals(ROWS * DIM, allRows(store).length);
        store.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> allRows(store));
        assertEquals("EmbeddingStore is closed", e.getMessage());
        store.close();
        try (NDManager device = NDManager.newBaseManager()) {
            List<float[]> records = List.of(new float[] {1, 2, 3, 4});
            EncoderCache cache = EncoderCache.build("e", countedEncoder(device, new AtomicInteger()), List.of("k"),
                    records, CacheConfig.<float[]>of(CacheType.AUTO), CacheType.AUTO, device, (done, total) -> { });
            assertArrayEquals(new float[] {2, 4, 6, 8}, cache.lookup(List.of("k"), device).toFloatArray());
            cache.close();
            e = assertThrows(IllegalStateException.class, () -> cache.lookup(List.of("k"), device));
            assertEquals("EncoderCache is closed", e.getMessage());
            cache.close();
        }
    }

    /** A frozen encoder that doubles its input and counts its forward passes. */
    private static Encoder<float[]> countedEncoder(NDManager device, AtomicInteger calls) {
        Encoder<float[]> encoder = TestModels.lambdaEncoder("counted", DIM, x -> {
            calls.incrementAndGet();
            return x.add(x);
        });
        encoder.initialize(device, DataType.FLOAT32);
        return encoder;
    }
}
