package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.quaterion.miner.IndexTuples;

/**
 * Bounds the triplets of each anchor (PML 3's {@code tuples_per_anchor}): a random subset of at most k of an
 * anchor's triplets, drawn without replacement, so that a loss holds {@code O(n·k)} triplet terms instead of every
 * valid triplet. The triplets are enumerated from the labels (positive × negative per anchor, never materialised);
 * the draw uses a seeded generator owned by the loss, so a run is reproducible.
 */
final class TuplesPerAnchor {

    private final int perAnchor;
    private final Random random;

    /**
     * Creates the sampler.
     *
     * @param perAnchor k, at least 1
     * @param seed the generator's seed
     */
    TuplesPerAnchor(int perAnchor, long seed) {
        this.perAnchor = perAnchor;
        this.random = new Random(seed);
    }

    /**
     * At most k valid triplets per anchor, drawn from all of them.
     *
     * @param labels {@code (n)} anchor labels
     * @param refLabels {@code (m)} reference labels
     * @param selfRef whether the references are the anchors (the self pair is then no positive)
     * @return the triplets (indices on the labels' device)
     */
    synchronized IndexTuples.Triplets sample(NDArray labels, NDArray refLabels, boolean selfRef) {
        long[] a = labels.toLongArray();
        long[] r = selfRef ? a : refLabels.toLongArray();
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            List<Integer> pos = new ArrayList<>();
            List<Integer> neg = new ArrayList<>();
            for (int j = 0; j < r.length; j++) {
                if (r[j] != a[i]) {
                    neg.add(j);
                } else if (!selfRef || j != i) {
                    pos.add(j);
                }
            }
            long total = (long) pos.size() * neg.size();
            for (long k : draw(total)) {
                out.add(new long[] {i, pos.get((int) (k / neg.size())), neg.get((int) (k % neg.size()))});
            }
        }
        return triplets(labels.getManager(), out);
    }

    /**
     * At most k of the given triplets per anchor.
     *
     * @param t mined triplets
     * @return the kept triplets, in their original order
     */
    synchronized IndexTuples.Triplets subset(IndexTuples.Triplets t) {
        long[] a = t.a().toLongArray();
        long[] p = t.p().toLongArray();
        long[] n = t.n().toLongArray();
        java.util.Map<Long, List<Integer>> byAnchor = new java.util.TreeMap<>();
        for (int i = 0; i < a.length; i++) {
            byAnchor.computeIfAbsent(a[i], x -> new ArrayList<>()).add(i);
        }
        boolean[] keep = new boolean[a.length];
        for (List<Integer> rows : byAnchor.values()) {
            for (long k : draw(rows.size())) {
                keep[rows.get((int) k)] = true;
            }
        }
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (keep[i]) {
                out.add(new long[] {a[i], p[i], n[i]});
            }
        }
        return triplets(t.a().getManager(), out);
    }

    /** min(k, total) distinct values of [0, total), by Floyd's algorithm (O(k) draws). */
    private Set<Long> draw(long total) {
        Set<Long> chosen = new TreeSet<>();
        if (total <= perAnchor) {
            for (long k = 0; k < total; k++) {
                chosen.add(k);
            }
            return chosen;
        }
        for (long j = total - perAnchor; j < total; j++) {
            long v = (long) (random.nextDouble() * (j + 1));
            chosen.add(chosen.contains(v) ? j : v);
        }
        return chosen;
    }

    private static IndexTuples.Triplets triplets(NDManager manager, List<long[]> rows) {
        long[][] cols = new long[3][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < 3; c++) {
                cols[c][i] = rows.get(i)[c];
            }
        }
        return new IndexTuples.Triplets(manager.create(cols[0]), manager.create(cols[1]), manager.create(cols[2]));
    }
}
