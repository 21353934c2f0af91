package org.quaterion.search.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.search.VectorIndex;

class MetricsQuantizedIndexTest {

    @Test
    void theDocumentedInt8IndexFindsWhatTheFloat32IndexFinds(@TempDir Path tmp) throws IOException {
        Random random = new Random(3);
        float[][] vectors = new float[500][24];
        for (float[] v : vectors) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        List<String> ids = IntStream.range(0, 500).mapToObj(i -> "item-" + i).toList();
        List<VectorIndex.Hit> top = MetricsQuantizedIndex.search(tmp.resolve("int8"), ids, vectors, vectors[7]);
        try (VectorIndex exact = VectorIndex.build(tmp.resolve("f32"), ids, vectors, VectorIndex.Config.defaults())) {
            assertEquals(exact.search(vectors[7], 10).stream().map(VectorIndex.Hit::id).toList(),
                    top.stream().map(VectorIndex.Hit::id).toList());
        }
        assertEquals("item-7", top.get(0).id());
    }
}
