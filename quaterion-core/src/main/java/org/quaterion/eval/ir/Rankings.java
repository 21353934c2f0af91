package org.quaterion.eval.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.quaterion.search.KnnResult;
import org.quaterion.search.NearestNeighbours;

/**
 * The top documents of each query, ties (equal distances) in corpus order. A search returns its ties in any order,
 * so a query whose k-th and last fetched documents tie is searched again deeper until a farther document (or the
 * whole corpus) closes the tie: sorting the fetched list by (distance, corpus position) is then exact.
 */
final class Rankings {

    private Rankings() {}

    /**
     * Ranks the corpus for every query.
     *
     * @param search the corpus
     * @param queries the query embeddings
     * @param k documents kept per query (fewer when the corpus is smaller)
     * @return per query, document indices best first
     */
    static int[][] rank(NearestNeighbours search, float[][] queries, int k) {
        int n = search.size();
        int[][] out = new int[queries.length][];
        int[] pending = new int[queries.length];
        Arrays.setAll(pending, i -> i);
        int depth = Math.min(n, k + 1);
        while (pending.length > 0) {
            float[][] batch = new float[pending.length][];
            for (int i = 0; i < pending.length; i++) {
                batch[i] = queries[pending[i]];
            }
            KnnResult result = search.search(batch, depth);
            List<Integer> deeper = new ArrayList<>();
            for (int i = 0; i < pending.length; i++) {
                long[] indices = result.indices()[i];
                double[] distances = result.distances()[i];
                int found = 0;
                while (found < indices.length && indices[found] >= 0) {
                    found++;
                }
                boolean tieOpen = depth < n && found == depth && found > k
                        && distances[found - 1] == distances[k - 1];
                if (tieOpen) {
                    deeper.add(pending[i]);
                } else {
                    out[pending[i]] = ordered(indices, distances, found, k);
                }
            }
            pending = deeper.stream().mapToInt(Integer::intValue).toArray();
            depth = (int) Math.min(n, 2L * depth);
        }
        return out;
    }

    /** The first {@code min(k, found)} of the found documents by (distance, index). */
    private static int[] ordered(long[] indices, double[] distances, int found, int k) {
        Integer[] order = new Integer[found];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> distances[i]).thenComparingLong(i -> indices[i]));
        int[] out = new int[Math.min(k, found)];
        for (int r = 0; r < out.length; r++) {
            out[r] = Math.toIntExact(indices[order[r]]);
        }
        return out;
    }
}
