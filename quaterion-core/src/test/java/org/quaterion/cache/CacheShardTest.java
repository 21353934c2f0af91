package org.quaterion.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.cache.spi.CacheShard;
import org.quaterion.cache.spi.DataFingerprint;

/** Stores of several shards (as a Spark job writes them), record hashes and the order-free data fingerprint. */
class CacheShardTest {

    @TempDir
    Path tmp;

    private static CacheShard.Info shard(Path dir, String name, int first, int rows, NDManager m) throws Exception {
        try (CacheShard.Writer w = new CacheShard.Writer(dir.resolve(name + CacheShard.DATA),
                dir.resolve(name + CacheShard.KEYS), 3, CacheConfig.Precision.FLOAT32.dataType())) {
            List<String> keys = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            float[] values = new float[rows * 3];
            for (int i = 0; i < rows; i++) {
                keys.add("k" + (first + i));
                hashes.add(RecordHash.of("record " + (first + i)));
                for (int j = 0; j < 3; j++) {
                    values[3 * i + j] = (first + i) * 10 + j;
                }
            }
            if (rows > 0) {
                w.append(keys, hashes, m.create(values, new ai.djl.ndarray.types.Shape(rows, 3)));
            }
            return w.finish(name);
        }
    }

    @Test
    void aStoreOfShardsIncludingAnEmptyOneReadsEveryRowByKey() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            List<CacheShard.Info> shards = List.of(shard(tmp, "part-00000", 0, 4, m), shard(tmp, "part-00001", 4, 0, m),
                    shard(tmp, "part-00002", 4, 5, m));
            DataFingerprint f = new DataFingerprint();
            for (int i = 0; i < 9; i++) {
                f.add("k" + i, RecordHash.of("record " + i));
            }
            new CacheManifest(CacheShard.FORMAT, "enc", "fp", CacheConfig.Precision.FLOAT32, 32, f.hex(), 9, 3, "test",
                    shards).write(tmp);
            assertNull(EmbeddingStore.problem(tmp));
            try (EmbeddingStore store = EmbeddingStore.open(tmp)) {
                assertEquals(9, store.rows());
                for (int i = 0; i < 9; i++) {
                    int row = store.row("k" + i);
                    assertArrayEquals(new float[] {i * 10, i * 10 + 1, i * 10 + 2},
                            store.rows(new int[] {row}, m).toFloatArray(), "k" + i);
                    assertTrue(store.hashMatches(row, RecordHash.of("record " + i)));
                    assertTrue(!store.hashMatches(row, RecordHash.of("record x")));
                }
                assertEquals(-1, store.row("k9"));
            }
            // a flipped byte in a shard is caught by its checksum
            Path data = tmp.resolve("part-00002.bin");
            byte[] bytes = Files.readAllBytes(data);
            bytes[bytes.length - 1] ^= 1;
            Files.write(data, bytes);
            assertTrue(EmbeddingStore.problem(tmp).contains("checksum"), EmbeddingStore.problem(tmp));
        }
    }

    @Test
    void theDataFingerprintIgnoresOrderAndMergesParts() {
        List<String> keys = List.of("a", "b", "c", "d");
        List<String> hashes = keys.stream().map(k -> RecordHash.of("r" + k)).toList();
        String whole = DataFingerprint.of(keys, hashes);
        assertEquals(whole, DataFingerprint.of(List.of("d", "b", "a", "c"), List.of(hashes.get(3), hashes.get(1),
                hashes.get(0), hashes.get(2))));
        DataFingerprint left = DataFingerprint.parse(DataFingerprint.of(keys.subList(0, 2), hashes.subList(0, 2)));
        left.merge(DataFingerprint.parse(DataFingerprint.of(keys.subList(2, 4), hashes.subList(2, 4))));
        assertEquals(whole, left.hex());
        assertEquals(4, left.rows());
        assertNotEquals(whole, DataFingerprint.of(keys, List.of(hashes.get(0), hashes.get(1), hashes.get(2),
                RecordHash.of("changed"))));
        assertEquals(32, RecordHash.of(new float[] {1, 2}).length());
        assertNotEquals(RecordHash.of(new float[] {1, 2}), RecordHash.of(new float[] {1, 3}));
    }

    @Test
    void keysWithTabsOrLineBreaksAndRepeatedKeysAreRejected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> CacheShard.checkKey("a\tb"));
        assertThrows(IllegalArgumentException.class, () -> CacheShard.checkKey("a\nb"));
        try (NDManager m = NDManager.newBaseManager()) {
            CacheShard.Info a = shard(tmp, "part-00000", 0, 2, m);
            CacheShard.Info b = shard(tmp, "part-00001", 1, 2, m); // k1 again
            new CacheManifest(CacheShard.FORMAT, "enc", "fp", CacheConfig.Precision.FLOAT32, 32, "4:0", 4, 3, "test",
                    List.of(a, b)).write(tmp);
            try (EmbeddingStore store = EmbeddingStore.open(tmp)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.row("k0"));
                assertTrue(e.getMessage().contains("holds key 'k1' twice"), e.getMessage());
            }
        }
    }
}
