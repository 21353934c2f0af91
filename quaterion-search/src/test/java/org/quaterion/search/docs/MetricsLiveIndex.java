package org.quaterion.search.docs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.quaterion.search.LiveVectorIndex;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

/** docs/metrics.md, payloads and LiveVectorIndex. */
final class MetricsLiveIndex {

    private MetricsLiveIndex() {}

    static String store(Path dir, float[] pasta, float[] soup, float[] query) throws IOException {
        String name;
        // snippet-start
        try (LiveVectorIndex store = LiveVectorIndex.create(pasta.length, VectorIndex.Config.defaults())) {
            store.add("dish-1", pasta, Payload.json("{\"name\": \"lasagne\", \"vegetarian\": false}"));
            store.add("dish-2", soup, Payload.json("{\"name\": \"miso soup\", \"vegetarian\": true}"));
            store.remove("dish-1");                        // live: later searches no longer see it
            store.save(dir);                               // an ordinary VectorIndex directory, written atomically
        }
        try (VectorIndex index = VectorIndex.open(dir)) {
            List<VectorIndex.Hit> vegetarian = index.searchWhere(query, 5,
                    hit -> hit.payload().json().contains("\"vegetarian\": true"));
            name = vegetarian.get(0).payload().json();   // the payload comes back with the hit
        }
        // snippet-end
        return name;
    }
}
