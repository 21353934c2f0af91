package org.quaterion.search.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.search.Quantization;
import org.quaterion.search.VectorIndex;

/** docs/metrics.md, quantised indexes. */
final class MetricsQuantizedIndex {

    private MetricsQuantizedIndex() {}

    static List<VectorIndex.Hit> search(Path dir, List<String> ids, float[][] vectors, float[] query)
            throws IOException {
        List<VectorIndex.Hit> top;
        // snippet-start
        VectorIndex.Config int8 = VectorIndex.Config.defaults().withQuantization(Quantization.INT8, 4);
        try (VectorIndex index = VectorIndex.build(dir, ids, vectors, int8)) {  // codes in memory, vectors.f32 on disk
            top = index.search(query, 10);       // 40 candidates by their codes, re-ranked by exact float32 distance
        }
        // snippet-end
        return top;
    }
}
