package org.quaterion.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

/**
 * Which rows of an embedded, labelled set are queries and which are the gallery, and the exact search that follows:
 * leave-one-out (every row queries all others, PML's default) or OML's {@code is_query} / {@code is_gallery} flags
 * (a row flagged as both never retrieves itself). The search depth defaults to the largest number of relevant
 * gallery items of any query, so every metric of {@link RetrievalMetrics} is exact.
 */
public final class RetrievalProtocol {

    private RetrievalProtocol() {}

    /**
     * Leave-one-out retrieval.
     *
     * @param knn the search
     * @param embeddings {@code (n, d)}
     * @param labels one per row
     * @param k the search depth, or 0 for "deep enough for every metric"
     * @return the metrics
     */
    public static RetrievalMetrics leaveOneOut(ExactKnn knn, NDArray embeddings, long[] labels, int k) {
        checkRows(embeddings, labels.length, "labels");
        boolean[] all = new boolean[labels.length];
        java.util.Arrays.fill(all, true);
        return queryGallery(knn, embeddings, labels, all, all, k);
    }

    /**
     * Query/gallery retrieval as OML: queries are the rows with {@code isQuery}, the gallery the rows with
     * {@code isGallery}.
     *
     * @param knn the search
     * @param embeddings {@code (n, d)}
     * @param labels one per row
     * @param isQuery one per row
     * @param isGallery one per row
     * @param k the search depth, or 0 for "deep enough for every metric"
     * @return the metrics
     */
    public static RetrievalMetrics queryGallery(ExactKnn knn, NDArray embeddings, long[] labels, boolean[] isQuery,
            boolean[] isGallery, int k) {
        return queryGallery(knn, null, embeddings, labels, isQuery, isGallery, k);
    }

    /**
     * Query/gallery retrieval as {@link #queryGallery(ExactKnn, NDArray, long[], boolean[], boolean[], int)}, with
     * the exact ranking re-ranked ({@link QueryExpansion}, {@link KReciprocalReranking}).
     *
     * @param knn the search (its distance is the first ranking's)
     * @param reranking the re-ranking, or null for none
     * @param embeddings {@code (n, d)}
     * @param labels one per row
     * @param isQuery one per row
     * @param isGallery one per row
     * @param k the search depth, or 0 for "deep enough for every metric"
     * @return the metrics
     */
    public static RetrievalMetrics queryGallery(ExactKnn knn, Reranking reranking, NDArray embeddings, long[] labels,
            boolean[] isQuery, boolean[] isGallery, int k) {
        checkRows(embeddings, labels.length, "labels");
        checkRows(embeddings, isQuery.length, "isQuery");
        checkRows(embeddings, isGallery.length, "isGallery");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 1, or 0 for automatic depth; got " + k);
        }
        int n = labels.length;
        int[] galleryPosition = new int[n];
        int nq = 0;
        int ng = 0;
        for (int i = 0; i < n; i++) {
            galleryPosition[i] = isGallery[i] ? ng++ : -1;
            nq += isQuery[i] ? 1 : 0;
        }
        if (ng == 0) {
            throw new IllegalArgumentException("the gallery is empty: flag at least one row with isGallery");
        }
        if (nq == 0) {
            throw new IllegalArgumentException("there are no queries: flag at least one row with isQuery");
        }
        long[] queryRows = new long[nq];
        long[] galleryRows = new long[ng];
        long[] queryLabels = new long[nq];
        long[] galleryLabels = new long[ng];
        long[] self = new long[nq];
        boolean anySelf = false;
        for (int i = 0, q = 0; i < n; i++) {
            if (isGallery[i]) {
                galleryRows[galleryPosition[i]] = i;
                galleryLabels[galleryPosition[i]] = labels[i];
            }
            if (isQuery[i]) {
                queryRows[q] = i;
                queryLabels[q] = labels[i];
                self[q] = galleryPosition[i];
                anySelf |= galleryPosition[i] >= 0;
                q++;
            }
        }
        int depth = k > 0 ? k : Math.max(1, largestRelevantCount(queryLabels, galleryLabels, self));
        KnnResult result;
        try (NDScope scope = new NDScope()) {
            NDArray q = nq == n ? embeddings : embeddings.get(embeddings.getManager().create(queryRows));
            NDArray g = ng == n ? embeddings : embeddings.get(embeddings.getManager().create(galleryRows));
            result = reranking == null ? knn.search(q, g, depth, anySelf ? self : null)
                    : reranking.search(q, g, depth, anySelf ? self : null, knn.distance());
        }
        return RetrievalMetrics.of(result, queryLabels, galleryLabels, anySelf ? self : null);
    }

    /** The largest number of gallery items sharing a query's label, the query itself excluded. */
    static int largestRelevantCount(long[] queryLabels, long[] galleryLabels, long[] self) {
        Map<Long, Integer> counts = new HashMap<>();
        for (long l : galleryLabels) {
            counts.merge(l, 1, Integer::sum);
        }
        int largest = 0;
        for (int i = 0; i < queryLabels.length; i++) {
            int r = counts.getOrDefault(queryLabels[i], 0) - (self[i] >= 0 ? 1 : 0);
            largest = Math.max(largest, r);
        }
        return largest;
    }

    private static void checkRows(NDArray embeddings, int length, String what) {
        if (embeddings.getShape().dimension() != 2) {
            throw new IllegalArgumentException("embeddings must be (n, d), got " + embeddings.getShape());
        }
        if (embeddings.getShape().get(0) != length) {
            throw new IllegalArgumentException(what + " has " + length + " entries for " + embeddings.getShape().get(0)
                    + " embeddings; give one per row");
        }
    }
}
