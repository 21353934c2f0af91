package org.quaterion.search.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

class MetricsLiveIndexTest {

    @Test
    void theDocumentedStoreRunsAndReturnsPayloads(@TempDir Path tmp) throws IOException {
        String name = MetricsLiveIndex.store(tmp.resolve("dishes"), new float[] {1, 0}, new float[] {0, 1},
                new float[] {1, 0.1f});
        assertEquals("{\"name\": \"miso soup\", \"vegetarian\": true}", name);
        List<VectorIndex.Hit> hits;
        try (VectorIndex index = VectorIndex.open(tmp.resolve("dishes"))) {
            hits = index.search(new float[] {1, 0}, 5);
        }
        assertEquals(1, hits.size());
        assertEquals("dish-2", hits.get(0).id());
        assertEquals(Payload.json("{\"name\": \"miso soup\", \"vegetarian\": true}"), hits.get(0).payload());
    }
}
