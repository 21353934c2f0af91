package org.quaterion.examples.docs;

import java.nio.file.Path;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;

/** docs/scale-out.md, a cache built on Spark. */
final class ScaleOutPrebuiltCache {

    private ScaleOutPrebuiltCache() {}

    /** A catalogue record. */
    record Product(String id, String title) {}

    static void prebuilt() {
        // snippet-start
        CacheConfig<Product> cache = CacheConfig.<Product>of(CacheType.AUTO)
                .withKeyExtractors(Map.of("text", Product::id))          // the keys the job read from the key column
                .withPrebuilt(Map.of("text", Path.of("/shared/caches/products-minilm")));
        // snippet-end
    }
}
