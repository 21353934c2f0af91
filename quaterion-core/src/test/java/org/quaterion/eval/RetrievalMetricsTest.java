package org.quaterion.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quaterion.search.KnnResult;

/** Retrieval metrics over a search's neighbours: Quaterion's pair and group cases, lone queries, ties, bad input. */
class RetrievalMetricsTest {

    private static final long[] SELF = {0, 1, 2, 3};

    /**
     * The three nearest of each of (1, 1), (8, 8), (4, 4), (6, 7) among the others by Manhattan distance, as an
     * exact search returns them.
     */
    private static KnnResult manhattan() {
        return new KnnResult(new long[][] {{2, 3, 1}, {3, 2, 0}, {3, 0, 1}, {1, 2, 0}},
                new double[][] {{6, 11, 14}, {3, 8, 14}, {5, 6, 8}, {3, 5, 11}});
    }

    @Test
    void quaterionPairMetricCases() {
        KnnResult knn = manhattan();
        PairRetrievalMetrics metrics = PairRetrievalMetrics.of(4, new long[][] {{0, 2}, {1, 3}},
                new double[] {1, 1}, knn);
        assertEquals(0.75, metrics.precisionAt(1), 1e-12, "P@1 = mean of [1, 1, 0, 1]");
        assertEquals(0.5, metrics.precisionAt(2), 1e-12, "P@2 = mean of [.5, .5, .5, .5]");
        assertEquals(0.875, metrics.reciprocalRank(), 1e-12, "RRK = mean of [1, 1, 0.5, 1]");
    }

    @Test
    void quaterionGroupMetricCase() {
        long[] groups = {1, 2, 1, 2};
        RetrievalMetrics metrics = RetrievalMetrics.of(manhattan(), groups, groups, SELF);
        assertEquals(0.75, metrics.quaterionRPrecision(), 1e-12);
        assertEquals(0.75, metrics.precisionAt1(), 1e-12);
        assertEquals((1 + 1 + 0.5 + 1) / 4, metrics.meanReciprocalRank(), 1e-12);
        assertEquals(0.75, metrics.cmcAt(1), 1e-12);
        assertEquals(1.0, metrics.cmcAt(2), 1e-12);
    }

    @Test
    void queriesWithoutRelevantItems() {
        long[] groups = {1, 2, 3, 3};
        RetrievalMetrics metrics = RetrievalMetrics.of(manhattan(), groups, groups, SELF);
        assertEquals(0.5, metrics.precisionAt1(), 1e-12, "PML leaves lone queries out: rows 2 (hit) and 3 (miss) count");
        assertEquals(0.25, metrics.cmcAt(1), 1e-12, "OML averages over all queries");
        RetrievalMetrics lone = RetrievalMetrics.of(manhattan(), new long[] {1, 2, 3, 4},
                new long[] {1, 2, 3, 4}, SELF);
        assertTrue(Double.isNaN(lone.precisionAt1()), "no query has a relevant item");
        // the whole family agrees: nothing to measure is NaN, never a perfect 1.0 (precision@k did that)
        for (double v : new double[] {lone.precisionAt(1), lone.precisionAt(3), lone.cmcAt(1), lone.mapAt(2),
                lone.rPrecision(), lone.meanAveragePrecisionAtR(), lone.quaterionRPrecision()}) {
            assertTrue(Double.isNaN(v), "every metric is NaN without relevant items, got " + v);
        }
        assertEquals(0.25, metrics.precisionAt(1), 1e-12, "a lone query scores 0 in OML's all-query mean");
    }

    @Test
    void aCutOffDeeperThanTheSearchIsRefused() {
        // two neighbours searched of a gallery of five: the third and fourth were never ranked
        KnnResult shallow = new KnnResult(new long[][] {{1, 2}}, new double[][] {{1, 2}});
        RetrievalMetrics metrics = RetrievalMetrics.of(shallow, new long[] {7}, new long[] {7, 9, 9, 7, 9}, SELF);
        assertEquals(0.0, metrics.cmcAt(2), 1e-12, "within the search: no relevant item in the top 2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> metrics.cmcAt(4));
        assertTrue(e.getMessage().contains("cmc@4") && e.getMessage().contains("returned 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> metrics.mapAt(3));
        assertThrows(IllegalArgumentException.class, () -> metrics.precisionAt(3));
        assertThrows(IllegalArgumentException.class, () -> metrics.ndcgAt(3));
        // a search that returned the whole gallery answers any cut-off
        KnnResult whole = new KnnResult(new long[][] {{1, 2, 3, 4}}, new double[][] {{1, 2, 3, 4}});
        assertEquals(1.0, RetrievalMetrics.of(whole, new long[] {7}, new long[] {7, 9, 9, 7, 9}, SELF).cmcAt(10),
                1e-12);
    }

    @Test
    void tiedItemsAllCountWithinR() {
        KnnResult knn = new KnnResult(new long[][] {{1, 0, 2}}, new double[][] {{1, 1, 1}});
        RetrievalMetrics metrics = RetrievalMetrics.of(knn, new long[] {7}, new long[] {7, 7, 7, 9}, null);
        assertEquals(1.0, metrics.rPrecision(), 1e-12, "all three relevant items are within R = 3");
    }

    @Test
    void badInputIsRejected() {
        KnnResult r = new KnnResult(new long[][] {{0, 1}, {0, 1}}, new double[][] {{0, 0}, {0, 0}});
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.of(r, new long[3], new long[5], null));
        assertTrue(labels.getMessage().contains("queryLabels has 3 entries for 2 queries"), labels.getMessage());
        IllegalArgumentException depth = assertThrows(IllegalArgumentException.class,
                () -> RetrievalMetrics.of(r, new long[2], new long[5], null).rPrecision());
        assertTrue(depth.getMessage().contains("search with k >= the largest class size"), depth.getMessage());
    }
}
