package org.quaterion.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.eval.EmbeddedSample;
import org.quaterion.eval.SampleMetric;

/** kNN classification on points of a line (Euclidean distances are the differences) and its report. */
class KnnClassifierTest {

    /** Gallery on a line: class 1 at 0, 1, 2; class 2 at 2.5 and 10; class 3 at 20. */
    private static final double[][] GALLERY = {{0}, {1}, {2}, {2.5}, {10}, {20}};
    private static final long[] LABELS = {1, 1, 1, 2, 2, 3};

    @Test
    void majorityAndDistanceWeightedVotesWithDeterministicTies() {
        try (NDManager m = NDManager.newBaseManager()) {
            Distance l2 = Distance.euclidean();
            try (KnnClassifier one = KnnClassifier.of(m.create(GALLERY), LABELS, l2, 1, KnnClassifier.Vote.MAJORITY);
                    KnnClassifier three = KnnClassifier.of(m.create(GALLERY), LABELS, l2, 3,
                            KnnClassifier.Vote.MAJORITY);
                    KnnClassifier weighted = KnnClassifier.of(m.create(GALLERY), LABELS, l2, 3,
                            KnnClassifier.Vote.DISTANCE_WEIGHTED);
                    KnnClassifier two = KnnClassifier.of(m.create(GALLERY), LABELS, l2, 2,
                            KnnClassifier.Vote.MAJORITY)) {
                double[][] queries = {{2.4}, {6.5}, {19}, {1.9}};
                // 1-NN: 2.5 (class 2); 10, 3.5 away (2); 20 (3); 2 (1)
                assertArrayEquals(new long[] {2, 2, 3, 1}, one.predict(m.create(queries)));
                // 3-NN: 2.4 has 2.5 (2), 2 (1), 1 (1) -> class 1; 6.5 has 10, 2.5 (2) and 2 (1) -> 2; 19 -> 2
                assertArrayEquals(new long[] {1, 2, 2, 1}, three.predict(m.create(queries)));
                // weighted, 2.4: class 2 gets 1/0.1 = 10, class 1 gets 1/0.4 + 1/1.4 = 3.2 -> class 2
                // 6.5: neighbours 10 (3.5), 2.5 (4), 2 (4.5): class 2 gets 1/3.5 + 1/4, class 1 1/4.5 -> class 2
                // 19: 20 (1), 10 (9), 2.5 (16.5): class 3 gets 1, class 2 1/9 + 1/16.5 -> class 3
                assertArrayEquals(new long[] {2, 2, 3, 1}, weighted.predict(m.create(queries)));
                // 2-NN of 2.4: 2.5 (2) and 2 (1) tie one vote each: the nearer neighbour's class wins
                assertArrayEquals(new long[] {2}, two.predict(m.create(new double[][] {{2.4}})));
                // 2-NN of 2.1: 2 (1) nearer than 2.5 (2): class 1
                assertArrayEquals(new long[] {1}, two.predict(m.create(new double[][] {{2.1}})));
                // an exact match takes the whole weighted vote
                assertArrayEquals(new long[] {2}, weighted.predict(m.create(new double[][] {{2.5}})));
            }
        }
    }

    @Test
    void reportCountsPerClass() {
        ClassificationReport r = ClassificationReport.of(new long[] {1, 1, 1, 2, 2, 3}, new long[] {1, 1, 2, 2, 3, 3});
        assertArrayEquals(new long[] {1, 2, 3}, r.classes());
        assertArrayEquals(new long[][] {{2, 1, 0}, {0, 1, 1}, {0, 0, 1}}, r.confusion());
        assertEquals(4.0 / 6, r.accuracy(), 1e-15);
        assertEquals(1.0, r.precision(1), 1e-15);
        assertEquals(2.0 / 3, r.recall(1), 1e-15);
        assertEquals(0.8, r.f1(1), 1e-15);
        assertEquals(0.5, r.precision(2), 1e-15);
        assertEquals(0.5, r.recall(2), 1e-15);
        assertEquals(0.5, r.f1(2), 1e-15);
        assertEquals(2.0 / 3, r.f1(3), 1e-15); // precision 1/2, recall 1
        assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, r.macroF1(), 1e-15);
        assertTrue(r.table().contains("accuracy 0.6667"), r.table());
        // a class only predicted, never true: recall 0, precision 0
        ClassificationReport wrong = ClassificationReport.of(new long[] {1}, new long[] {7});
        assertEquals(0, wrong.accuracy());
        assertEquals(0, wrong.f1(7));
    }

    @Test
    void leaveOneOutMatchesTheEvaluatorMetric() {
        try (NDManager m = NDManager.newBaseManager()) {
            // each point classified by the others, 1-NN: 0->1 (1), 1->0 or 2 (1), 2->2.5 (2, wrong), 2.5->2 (1, wrong),
            // 10->2.5 (2, right), 20->10 (2, wrong)
            ClassificationReport r = KnnClassifier.leaveOneOut(m.create(GALLERY), LABELS, Distance.euclidean(), 1,
                    KnnClassifier.Vote.MAJORITY);
            assertEquals(3.0 / 6, r.accuracy(), 1e-15);
            EmbeddedSample sample = EmbeddedSample.ofGroups(m.create(GALLERY), LABELS, null);
            assertEquals(r.accuracy(), SampleMetric.knnAccuracy(Distance.euclidean(), 1).compute(sample), 1e-15);
        }
    }

    @Test
    void badSettingsAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> KnnClassifier.of(m.create(GALLERY), LABELS,
                    Distance.euclidean(), 0, KnnClassifier.Vote.MAJORITY));
            assertThrows(IllegalArgumentException.class, () -> KnnClassifier.of(m.create(GALLERY), new long[] {1},
                    Distance.euclidean(), 1, KnnClassifier.Vote.MAJORITY));
            IllegalArgumentException dot = assertThrows(IllegalArgumentException.class, () -> KnnClassifier.of(
                    m.create(GALLERY), LABELS, Distance.dotProduct(), 3, KnnClassifier.Vote.DISTANCE_WEIGHTED));
            assertTrue(dot.getMessage().contains("non-negative distances"), dot.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(new long[] {1},
                    new long[] {1, 2}));
        }
    }

    @Test
    void aPredictionAfterCloseSaysTheClassifierIsClosed() {
        try (NDManager m = NDManager.newBaseManager()) {
            KnnClassifier classifier = KnnClassifier.of(m.create(GALLERY), LABELS, Distance.euclidean(), 1,
                    KnnClassifier.Vote.MAJORITY);
            assertArrayEquals(new long[] {3}, classifier.predict(m.create(new double[][] {{19}})));
            classifier.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> classifier.predict(m.create(new double[][] {{19}})));
            assertEquals("KnnClassifier is closed", e.getMessage());
            classifier.close(); // a second close does nothing
        }
    }
}
