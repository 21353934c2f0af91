package org.quaterion.eval.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.search.KnnResult;
import org.quaterion.search.NearestNeighbours;

/** Tie handling against a search that returns its ties in the worst order: highest corpus position first. */
class RankingsTest {

    /** Every query sees the same fixed distances; ties come back in descending corpus order. */
    private static final class FixedSearch implements NearestNeighbours {
        final double[] distances;
        final List<Integer> depths = new ArrayList<>();

        FixedSearch(double... distances) {
            this.distances = distances;
        }

        @Override
        public KnnResult search(float[][] queries, int k) {
            depths.add(k);
            Integer[] order = new Integer[distances.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> distances[i]).thenComparing(i -> -i));
            long[][] idx = new long[queries.length][k];
            double[][] dist = new double[queries.length][k];
            for (int q = 0; q < queries.length; q++) {
                for (int r = 0; r < k; r++) {
                    idx[q][r] = order[r];
                    dist[q][r] = distances[order[r]];
                }
            }
            return new KnnResult(idx, dist);
        }

        @Override
        public KnnResult search(NDArray queries, int k) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String engine() {
            return "fixed";
        }

        @Override
        public int size() {
            return distances.length;
        }

        @Override
        public Distance distance() {
            return Distance.cosine();
        }

        @Override
        public void close() {}
    }

    @Test
    void tiesInsideTheTopKAreSortedByCorpusPosition() {
        // distances 0.5 0.1 0.5 0.9: the search says 1, 2, 0, 3; corpus order breaks the 0/2 tie
        FixedSearch search = new FixedSearch(0.5, 0.1, 0.5, 0.9);
        assertArrayEquals(new int[] {1, 0, 2}, Rankings.rank(search, new float[1][], 3)[0]);
        assertEquals(List.of(4), search.depths); // depth k + 1 = 4 already shows the tie closed
    }

    @Test
    void aTieAtTheCutOffIsSearchedUntilItCloses() {
        // documents 0..6 tie at 0.2, document 7 at 0.1: top 3 = 7, then the first two of the tie (0, 1)
        FixedSearch search = new FixedSearch(0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1);
        assertArrayEquals(new int[] {7, 0, 1}, Rankings.rank(search, new float[2][], 3)[1]);
        // depth 4 ends inside the tie, so does 8 = the whole corpus: searched at 4, then 8
        assertEquals(List.of(4, 8), search.depths);
    }

    @Test
    void kBeyondTheCorpusReturnsTheWholeCorpus() {
        FixedSearch search = new FixedSearch(0.3, 0.3, 0.1);
        assertArrayEquals(new int[] {2, 0, 1}, Rankings.rank(search, new float[1][], 10)[0]);
        assertEquals(List.of(3), search.depths);
    }
}
