package org.quaterion.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scored pairs are batched as whole query lists, each pair with its target and group. */
class ScoredPairDataLoaderTest {

    @Test
    void batchesKeepEachQueryListWholeWithItsTargetsAndGroups() {
        // groups 5, 9, 2 interleaved in the data: each still forms one list, in the order of its first pair
        List<ScoredPair<String, String>> data = List.of(new ScoredPair<>("q5", "a", 1, 5),
                new ScoredPair<>("q9", "b", 1, 9), new ScoredPair<>("q5", "c", 0, 5),
                new ScoredPair<>("q2", "d", 2, 2), new ScoredPair<>("q9", "e", 0, 9),
                new ScoredPair<>("q5", "f", 0.5, 5));
        ScoredPairDataLoader<String, String> loader = new ScoredPairDataLoader<>(data, LoaderOptions.batchSize(2));
        assertEquals(3, loader.dataset().size(), "three query lists");
        assertEquals(6, loader.pairCount());
        assertEquals(2, loader.batchesPerEpoch(), "the batch size counts lists");
        List<GroupBatch<Pair<String, String>>> batches = new ArrayList<>();
        try (SimilarityDataLoader.BatchStream<GroupBatch<Pair<String, String>>> epoch = loader.epoch(0)) {
            epoch.forEachRemaining(batches::add);
        }
        GroupBatch<Pair<String, String>> first = batches.get(0);
        assertEquals(List.of("a", "c", "f", "b", "e"), first.records().stream().map(Pair::getValue).toList());
        assertEquals("q5", first.records().get(0).getKey());
        assertArrayEquals(new long[] {5, 5, 5, 9, 9}, first.groups());
        assertArrayEquals(new double[] {1, 0, 0.5, 1, 0}, first.targets());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, first.rows(), "each pair's row is its list's");
        assertArrayEquals(new long[] {2}, batches.get(1).groups());
        assertArrayEquals(new double[] {2}, batches.get(1).targets());
    }

    @Test
    void shuffledEpochsMoveWholeListsAndRepeatBySeed() {
        List<ScoredPair<String, String>> data = new ArrayList<>();
        for (int q = 0; q < 10; q++) {
            for (int d = 0; d < 3; d++) {
                data.add(new ScoredPair<>("q" + q, "d" + d, d == 0 ? 1 : 0, q));
            }
        }
        LoaderOptions options = LoaderOptions.batchSize(4).withShuffle(7);
        List<long[]> a = groupsOf(new ScoredPairDataLoader<>(data, options), 3);
        List<long[]> b = groupsOf(new ScoredPairDataLoader<>(data, options), 3);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "batch " + i + " repeats with the seed");
            for (int k = 0; k < a.get(i).length; k += 3) {
                assertTrue(a.get(i)[k] == a.get(i)[k + 1] && a.get(i)[k] == a.get(i)[k + 2], "a list stays whole");
            }
        }
    }

    @Test
    void nullPairsAreRefused() {
        List<ScoredPair<String, String>> data = new ArrayList<>();
        data.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ScoredPairDataLoader<>(data, LoaderOptions.batchSize(2)));
        assertTrue(e.getMessage().contains("scored pair 0 is null"), e.getMessage());
    }

    private static List<long[]> groupsOf(ScoredPairDataLoader<String, String> loader, int epoch) {
        List<long[]> out = new ArrayList<>();
        try (SimilarityDataLoader.BatchStream<GroupBatch<Pair<String, String>>> s = loader.epoch(epoch)) {
            s.forEachRemaining(b -> out.add(b.groups()));
        }
        return out;
    }
}
