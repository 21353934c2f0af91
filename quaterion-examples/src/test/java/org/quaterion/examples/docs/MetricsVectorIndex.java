package org.quaterion.examples.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.VectorIndex;

/** docs/metrics.md, VectorIndex. */
final class MetricsVectorIndex {

    private MetricsVectorIndex() {}

    static void index(Map<String, String> catalogue, float[] queryVector, Set<String> stock) throws IOException {
        // snippet-start
        try (SimilarityModel<String> model = SimilarityModel.load(Path.of("servable"), String.class);
                VectorIndex index = VectorIndex.build(Path.of("catalogue-index"), model, catalogue, 64,
                        VectorIndex.Config.defaults())) {        // cosine; withDistance, withHnswThreshold, withCandidates
            List<VectorIndex.Hit> top = index.search(model, "italian pasta with meat sauce", 5);
            List<VectorIndex.Hit> inStock = index.search(queryVector, 5, id -> stock.contains(id));
        }
        VectorIndex reopened = VectorIndex.open(Path.of("catalogue-index"));   // in the serving process
        // snippet-end
        reopened.close();
    }
}
