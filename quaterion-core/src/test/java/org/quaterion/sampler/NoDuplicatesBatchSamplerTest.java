package org.quaterion.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairBatch;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;

/** Batches without repeated records: hand-worked layouts, seeded epochs, coverage, and what a plain loader does. */
class NoDuplicatesBatchSamplerTest {

    private static SimilarityPairSample<String> pair(String a, String b, String... negatives) {
        return SimilarityPairSample.of(a, b).withNegatives(List.of(negatives));
    }

    private static List<int[]> batches(List<SimilarityPairSample<String>> data, int size, boolean dropLast) {
        return NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, size).optShuffle(false)
                .optDropLast(dropLast).build().batches(0);
    }

    @Test
    void aRowThatMeetsARecordOfTheBatchWaitsForTheNextBatch() {
        List<SimilarityPairSample<String>> data = List.of(pair("a", "b"), pair("a", "c"), pair("d", "e"),
                pair("f", "g"), pair("b", "h"));
        // batch 1: (a,b); (a,c) meets a and waits; (d,e). Batch 2: (a,c), (f,g). Batch 3: (b,h) alone.
        List<int[]> kept = batches(data, 2, false);
        assertEquals(3, kept.size());
        assertArrayEquals(new int[] {0, 2}, kept.get(0));
        assertArrayEquals(new int[] {1, 3}, kept.get(1));
        assertArrayEquals(new int[] {4}, kept.get(2));
        List<int[]> dropped = batches(data, 2, true);
        assertEquals(2, dropped.size(), "drop-last drops the single (b,h)");
        assertArrayEquals(new int[] {1, 3}, dropped.get(1));
    }

    @Test
    void explicitNegativesCountAndAPairMayRepeatItsOwnRecords() {
        List<SimilarityPairSample<String>> data = List.of(pair("q1", "p1"), pair("q2", "p2", "p1"),
                pair("q3", "q3"), pair("q4", "p4", "q1"));
        // (q2,p2,[p1]) meets p1 of row 0; (q3,q3) is one record; (q4,p4,[q1]) meets q1
        List<int[]> got = batches(data, 4, false);
        assertEquals(2, got.size());
        assertArrayEquals(new int[] {0, 2}, got.get(0));
        assertArrayEquals(new int[] {1, 3}, got.get(1));
    }

    @Test
    void aKeyFunctionDecidesWhatCountsAsTheSameRecord() {
        List<SimilarityPairSample<String>> data = List.of(pair("Paris", "France"), pair("paris", "capital"),
                pair("Rome", "Italy"));
        var plain = NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, 3).optShuffle(false)
                .build();
        assertEquals(1, plain.batches(0).size(), "Paris and paris differ by equals");
        var folded = NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, 3).optShuffle(false)
                .optKey(s -> s.toLowerCase(java.util.Locale.ROOT)).build();
        List<int[]> got = folded.batches(0);
        assertArrayEquals(new int[] {0, 2}, got.get(0));
        assertArrayEquals(new int[] {1}, got.get(1));
    }

    /** 120 pairs over 25 texts: many repeats. */
    private static List<SimilarityPairSample<String>> crowded() {
        Random random = new Random(5);
        List<SimilarityPairSample<String>> out = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int a = random.nextInt(25);
            int b = (a + 1 + random.nextInt(24)) % 25;
            out.add(i % 4 == 0 ? pair("t" + a, "t" + b, "t" + random.nextInt(25)) : pair("t" + a, "t" + b));
        }
        return out;
    }

    private static boolean hasRepeat(List<SimilarityPairSample<String>> data, int[] rows) {
        Set<String> seen = new HashSet<>();
        for (int r : rows) {
            for (String s : new HashSet<>(data.get(r).records())) {
                if (!seen.add(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void seededEpochsHaveNoRepeatAndUseEveryRowOnce() {
        List<SimilarityPairSample<String>> data = crowded();
        NoDuplicatesBatchSampler sampler = NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, 4)
                .optSeed(7).build();
        NoDuplicatesBatchSampler again = NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, 4)
                .optSeed(7).build();
        for (int epoch = 0; epoch < 5; epoch++) {
            List<int[]> batches = sampler.batches(epoch);
            int[] used = new int[data.size()];
            for (int[] b : batches) {
                assertFalse(hasRepeat(data, b), "epoch " + epoch + ": a batch repeats a record");
                assertTrue(b.length >= 1 && b.length <= 4);
                for (int r : b) {
                    used[r]++;
                }
            }
            for (int r = 0; r < used.length; r++) {
                assertEquals(1, used[r], "epoch " + epoch + ": row " + r + " used once");
            }
            List<int[]> repeated = again.batches(epoch);
            assertEquals(batches.size(), repeated.size());
            for (int i = 0; i < batches.size(); i++) {
                assertArrayEquals(batches.get(i), repeated.get(i), "the same seed and epoch give the same batches");
            }
        }
        assertFalse(java.util.Arrays.equals(sampler.batches(0).get(0), sampler.batches(1).get(0)));
        // the layout of seed 7, epoch 0, pinned: a change of the algorithm or of its seeding shows here
        // 120 rows in batches of 4: 28 full ones, then rows that met every open batch, in batches of 2, 3, 2, 1
        assertArrayEquals(new int[] {36, 102, 97, 119}, sampler.batches(0).get(0));
        assertEquals(List.of(2, 3, 2, 1), sampler.batches(0).subList(28, 32).stream().map(b -> b.length).toList());
        assertEquals(32, sampler.batchesPerEpoch());
        assertEquals(31, sampler.batches(1).size(), "the tail depends on the epoch's shuffle");
    }

    @Test
    void dropLastKeepsOnlyFullBatches() {
        List<SimilarityPairSample<String>> data = crowded();
        NoDuplicatesBatchSampler sampler = NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, 8)
                .optSeed(3).optDropLast(true).build();
        Set<Integer> used = new HashSet<>();
        for (int[] b : sampler.batches(0)) {
            assertEquals(8, b.length);
            assertFalse(hasRepeat(data, b));
            for (int r : b) {
                assertTrue(used.add(r), "row " + r + " twice");
            }
        }
        assertTrue(used.size() < data.size() && used.size() % 8 == 0);
    }

    @Test
    void aPlainShuffledLoaderRepeatsRecordsWhereTheSamplerDoesNot() {
        List<SimilarityPairSample<String>> data = crowded();
        PairsSimilarityDataLoader<String> plain = new PairsSimilarityDataLoader<>(data,
                LoaderOptions.batchSize(8).withShuffle(7));
        PairsSimilarityDataLoader<String> deduplicated = new PairsSimilarityDataLoader<>(data,
                LoaderOptions.batchSize(8).withBatchSampler(NoDuplicatesBatchSampler.builder(data,
                        SimilarityPairSample::records, 8).optSeed(7).build()));
        assertEquals(15, plain.batchesPerEpoch());
        assertEquals(15, repeatingBatches(plain), "every random batch of 8 pairs over 25 texts repeats a text");
        assertEquals(0, repeatingBatches(deduplicated));
    }

    private static int repeatingBatches(PairsSimilarityDataLoader<String> loader) {
        int count = 0;
        try (var stream = loader.epoch(0)) {
            while (stream.hasNext()) {
                PairBatch<String> b = stream.next();
                if (new HashSet<>(b.records()).size() < b.records().size()) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void misconfigurationIsRefused() {
        List<SimilarityPairSample<String>> data = List.of(pair("a", "b"));
        assertThrows(IllegalArgumentException.class,
                () -> NoDuplicatesBatchSampler.builder(data, SimilarityPairSample::records, 0).build());
        assertThrows(IllegalArgumentException.class, () -> NoDuplicatesBatchSampler.builder(List.<
                SimilarityPairSample<String>>of(), SimilarityPairSample::records, 2).build());
        assertThrows(IllegalArgumentException.class, () -> NoDuplicatesBatchSampler.builder(data,
                SimilarityPairSample::records, 2).optDropLast(true).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NoDuplicatesBatchSampler
                .builder(data, SimilarityPairSample::records, 2).optKey(s -> null).build());
        assertTrue(e.getMessage().contains("key"), e.getMessage());
    }
}
