package org.quaterion.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.io.CorruptArtifactException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a prebuilt cache (one a Spark job or {@code quaterion cache} wrote) for a fit, refusing it when it is damaged,
 * was computed by another encoder, or lacks or disagrees with a record the fit will read.
 */
final class PrebuiltCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PrebuiltCheck.class);
    private static final int EXAMPLES = 5;

    private PrebuiltCheck() {}

    static EmbeddingStore open(Path dir, String encoder, String encoderFingerprint, List<String> keys,
            List<String> hashes) throws IOException {
        String problem = EmbeddingStore.problem(dir);
        if (problem != null) {
            throw new CorruptArtifactException(dir, "is an unusable prebuilt cache of encoder '" + encoder + "': "
                    + problem + "; rebuild it");
        }
        CacheManifest m = CacheManifest.read(dir);
        if (!m.encoderFingerprint().equals(encoderFingerprint)) {
            throw new IllegalArgumentException("the prebuilt cache at " + dir + " was computed by another encoder ("
                    + "cache: '" + m.encoder() + "' " + shortHash(m.encoderFingerprint()) + ", model: '" + encoder
                    + "' " + shortHash(encoderFingerprint) + "); rebuild it from the model's saved encoder");
        }
        long started = System.nanoTime();
        EmbeddingStore store = EmbeddingStore.open(dir);
        try {
            List<String> missing = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            int missingCount = 0;
            int changedCount = 0;
            for (int i = 0; i < keys.size(); i++) {
                int row = store.row(keys.get(i));
                if (row < 0) {
                    missingCount++;
                    if (missing.size() < EXAMPLES) {
                        missing.add(keys.get(i));
                    }
                } else if (!store.hashMatches(row, hashes.get(i))) {
                    changedCount++;
                    if (changed.size() < EXAMPLES) {
                        changed.add(keys.get(i));
                    }
                }
            }
            if (missingCount + changedCount > 0) {
                throw new IllegalArgumentException("the prebuilt cache at " + dir + " is stale for this data: "
                        + changedCount + " of " + keys.size() + " records changed since it was built"
                        + (changed.isEmpty() ? "" : " (e.g. keys " + changed + ")") + " and " + missingCount
                        + " keys are not in it" + (missing.isEmpty() ? "" : " (e.g. " + missing + ")")
                        + "; rebuild the cache from the current data (with the model's prompts, when it has any), or "
                        + "check the key extractor");
            }
            LOG.info("prebuilt cache of encoder '{}' opened from {}: {} rows in {} shards, {} used, checked in {} ms",
                    encoder, dir, store.rows(), m.shards().size(), keys.size(), (System.nanoTime() - started) / 1000000);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static String shortHash(String fingerprint) {
        return fingerprint.substring(0, Math.min(12, fingerprint.length()));
    }
}
