package org.quaterion.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OML's distinct-category batches: shape, label cycling, fillers, determinism and the rules on the data. */
class DistinctCategoryBalanceSamplerTest {

    // category 0: labels 0-3 with 2 rows each (rows 0-7); category 1: labels 4-7 with 3 rows each (rows 8-19)
    private static final long[] LABELS = new long[20];
    private static final long[] CATEGORIES = new long[20];

    static {
        for (int i = 0; i < 8; i++) {
            LABELS[i] = i / 2;
        }
        for (int i = 8; i < 20; i++) {
            LABELS[i] = 4 + (i - 8) / 3;
            CATEGORIES[i] = 1;
        }
    }

    @Test
    void everyLabelOncePerCycle() {
        // 2 categories x 2 labels x 2 instances: batches 0 and 1 use the 8 labels once each (4 new per batch),
        // then both categories are spent and batch 2 starts a new cycle.
        DistinctCategoryBalanceSampler s = new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 2, 2, 2, 6, 7);
        assertEquals(8, s.batchSize());
        assertEquals(6, s.batchesPerEpoch());
        List<String> failures = new ArrayList<>();
        List<int[]> batches = s.batches(0);
        assertEquals(List.of(4, 4, 4, 4, 4, 4),
                DistinctCategorySamplerChecks.structure(batches, LABELS, CATEGORIES, 2, 2, 2, failures));
        assertTrue(failures.isEmpty(), failures.toString());
        Set<Long> firstCycle = new HashSet<>();
        for (int b = 0; b < 2; b++) {
            for (int row : batches.get(b)) {
                firstCycle.add(LABELS[row]);
            }
        }
        assertEquals(8, firstCycle.size());
    }

    @Test
    void fillsFromUsedLabelsWhenACategoryRunsShort() {
        // three labels per category, P = 2: batch 0 takes 2 new labels per category, batch 1 the last new one of
        // each plus one used label of the same category (2 new in all), then the state resets: 4 2 4 2 ...
        long[] labels = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
        long[] categories = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
        DistinctCategoryBalanceSampler s = new DistinctCategoryBalanceSampler(labels, categories, 2, 2, 2, 5, 3);
        List<String> failures = new ArrayList<>();
        assertEquals(List.of(4, 2, 4, 2, 4),
                DistinctCategorySamplerChecks.structure(s.batches(1), labels, categories, 2, 2, 2, failures));
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void seededPerEpoch() {
        DistinctCategoryBalanceSampler a = new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 1, 2, 3, 4, 11);
        DistinctCategoryBalanceSampler b = new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 1, 2, 3, 4, 11);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.batches(2).get(i), b.batches(2).get(i));
        }
        boolean differs = false;
        for (int i = 0; i < 4; i++) {
            differs |= !java.util.Arrays.equals(a.batches(0).get(i), a.batches(1).get(i));
        }
        assertTrue(differs, "two epochs drew the same batches");
        // a label with 2 rows and K = 3: both rows, then one again
        for (int[] batch : a.batches(0)) {
            for (int at = 0; at < batch.length; at += 3) {
                Set<Integer> distinct = new HashSet<>();
                for (int j = at; j < at + 3; j++) {
                    distinct.add(batch[j]);
                }
                assertEquals(LABELS[batch[at]] < 4 ? 2 : 3, distinct.size());
            }
        }
    }

    @Test
    void rulesOnTheData() {
        assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 3, 2, 2, 4, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 1, 1, 2, 4, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 1, 2, 1, 4, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 1, 5, 2, 4, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(LABELS, CATEGORIES, 1, 2, 2, 0, 0));
        long[] mixed = CATEGORIES.clone();
        mixed[1] = 1; // label 0 in two categories
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(LABELS, mixed, 1, 2, 2, 4, 0));
        assertTrue(e.getMessage().contains("one category"), e.getMessage());
        long[] single = LABELS.clone();
        single[0] = 99; // label 99 with one row
        assertFalse(single.length == 0);
        assertThrows(IllegalArgumentException.class,
                () -> new DistinctCategoryBalanceSampler(single, CATEGORIES, 1, 2, 2, 4, 0));
    }
}
