package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Mined indices: either pairs {@code (a1, p, a2, n)} (positive pairs a1–p and negative pairs a2–n) or triplets
 * {@code (a, p, n)}. Indices are INT64 into the embeddings (anchors) and the reference embeddings (p, n).
 * Conversions follow PML: pairs to triplets joins every (a1, p) with every (a2, n) where a1 == a2; triplets to
 * pairs is (a, p, a, n).
 */
public sealed interface IndexTuples permits IndexTuples.Pairs, IndexTuples.Triplets {

    /**
     * These tuples as pairs.
     *
     * @return pairs
     */
    Pairs toPairs();

    /**
     * These tuples as triplets.
     *
     * @return triplets
     */
    Triplets toTriplets();

    /**
     * Positive and negative pairs; a miner that selects pairs from {@code (n, m)} masks keeps them, so that a loss
     * working on masks uses them directly instead of rebuilding them from the indices.
     *
     * @param a1 anchors of positive pairs
     * @param p positives
     * @param a2 anchors of negative pairs
     * @param n negatives
     * @param positiveMask the boolean {@code (n, m)} mask the positive pairs came from, or null
     * @param negativeMask the boolean {@code (n, m)} mask the negative pairs came from, or null
     */
    record Pairs(NDArray a1, NDArray p, NDArray a2, NDArray n, NDArray positiveMask, NDArray negativeMask)
            implements IndexTuples {

        /**
         * Pairs given by their indices only.
         *
         * @param a1 anchors of positive pairs
         * @param p positives
         * @param a2 anchors of negative pairs
         * @param n negatives
         */
        public Pairs(NDArray a1, NDArray p, NDArray a2, NDArray n) {
            this(a1, p, a2, n, null, null);
        }

        @Override
        public Pairs toPairs() {
            return this;
        }

        @Override
        public Triplets toTriplets() {
            NDManager m = a1.getManager();
            if (a1.size() == 0 || a2.size() == 0) {
                NDArray empty = m.create(new long[0]);
                return new Triplets(empty, empty, empty);
            }
            NDArray match = a1.expandDims(1).eq(a2.expandDims(0));
            NDArray idx = match.nonzero();
            NDArray pi = idx.get(":, 0");
            NDArray ni = idx.get(":, 1");
            return new Triplets(a1.get(pi), p.get(pi), n.get(ni));
        }

        /**
         * Number of positive and negative pairs.
         *
         * @return {@code [positives, negatives]}
         */
        public long[] sizes() {
            return new long[] {a1.size(), a2.size()};
        }
    }

    /**
     * Triplets (anchor, positive, negative).
     *
     * @param a anchors
     * @param p positives
     * @param n negatives
     */
    record Triplets(NDArray a, NDArray p, NDArray n) implements IndexTuples {

        @Override
        public Pairs toPairs() {
            return new Pairs(a, p, a, n);
        }

        @Override
        public Triplets toTriplets() {
            return this;
        }

        /**
         * Number of triplets.
         *
         * @return the count
         */
        public long size() {
            return a.size();
        }
    }

    /**
     * Pairs from boolean {@code (n, m)} masks.
     *
     * @param positives positive-pair mask
     * @param negatives negative-pair mask
     * @return the pairs
     */
    static Pairs pairsFromMasks(NDArray positives, NDArray negatives) {
        NDArray pos = positives.nonzero();
        NDArray neg = negatives.nonzero();
        return new Pairs(column(pos, 0), column(pos, 1), column(neg, 0), column(neg, 1), positives, negatives);
    }

    /**
     * Concatenates triplets.
     *
     * @param parts triplets
     * @return one set of triplets
     */
    static Triplets concat(java.util.List<Triplets> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        ai.djl.ndarray.NDList a = new ai.djl.ndarray.NDList();
        ai.djl.ndarray.NDList p = new ai.djl.ndarray.NDList();
        ai.djl.ndarray.NDList n = new ai.djl.ndarray.NDList();
        for (Triplets t : parts) {
            a.add(t.a());
            p.add(t.p());
            n.add(t.n());
        }
        return new Triplets(NDArrays.concat(a), NDArrays.concat(p), NDArrays.concat(n));
    }

    private static NDArray column(NDArray idx, int c) {
        if (idx.getShape().get(0) == 0) {
            return idx.getManager().create(new long[0]);
        }
        return idx.get(":, " + c).toType(DataType.INT64, false);
    }
}
