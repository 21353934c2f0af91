package org.quaterion.examples;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import org.quaterion.models.encoders.Collator;

/**
 * Collates strings into hashed bags of character trigrams: a {@code (B, buckets)} FLOAT32 array of counts.
 * Deterministic (no seed), so a saved model collates identically after loading.
 */
public final class CharTrigramCollator implements Collator<String> {

    private final int buckets;

    /**
     * Creates the collator.
     *
     * @param buckets the number of hash buckets (the input width of the block)
     */
    public CharTrigramCollator(int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
        }
        this.buckets = buckets;
    }

    /** Class, version and bucket count: a different bucket count collates differently. */
    @Override
    public String fingerprint() {
        return "CharTrigramCollator/v1/buckets=" + buckets;
    }

    @Override
    public NDList collate(List<String> records, NDManager manager) {
        float[] counts = new float[records.size() * buckets];
        for (int i = 0; i < records.size(); i++) {
            String text = " " + records.get(i).toLowerCase(Locale.ROOT).trim() + " ";
            for (int c = 0; c + 3 <= text.length(); c++) {
                int h = Math.floorMod(text.substring(c, c + 3).hashCode(), buckets);
                counts[i * buckets + h] += 1f;
            }
        }
        return new NDList(manager.create(counts, new Shape(records.size(), buckets)));
    }
}
