package org.quaterion.examples.docs;

import java.io.IOException;
import java.nio.file.Path;
import org.quaterion.distance.Distance;
import org.quaterion.search.HnswIndex;
import org.quaterion.search.KnnResult;

/** docs/metrics.md, HNSW. */
final class MetricsHnsw {

    private MetricsHnsw() {}

    static void hnsw(Path dir, float[][] galleryVectors, float[][] queries, KnnResult exactTop10) throws IOException {
        // snippet-start
        try (HnswIndex index = HnswIndex.build(dir, galleryVectors, Distance.cosine(), HnswIndex.Config.defaults())) {
            KnnResult top10 = index.search(queries, 10);                 // explores max(k, 100) candidates
            double recall = HnswIndex.recall(top10, exactTop10, 10);     // against ExactKnn
        }
        HnswIndex reopened = HnswIndex.open(dir);                        // later, in a service
        // snippet-end
        reopened.close();
    }
}
