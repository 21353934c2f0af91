package org.quaterion.models.encoders;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Turns a batch of raw records into model input (Quaterion's collate function). Must be stateless and thread-safe.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface Collator<T> {

    /**
     * Collates records into arrays created in {@code manager}.
     *
     * @param records the records, non-empty, no nulls
     * @param manager the manager that owns the created arrays
     * @return the model input
     */
    NDList collate(List<T> records, NDManager manager);

    /**
     * What identifies this collator's output for the frozen-encoder cache: a cache filled with another fingerprint is
     * refilled. The default is the class name (for a lambda, the class that defines it), which tells collator classes
     * apart but not two configurations of one class: a collator with settings (vocabulary, n-gram size, maximum
     * length) or whose behaviour changes between versions should override this with its settings and a version.
     *
     * @return a stable string, the same in every JVM for the same behaviour
     */
    default String fingerprint() {
        String name = getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda < 0 ? name : name.substring(0, lambda) + "$$Lambda";
    }
}
