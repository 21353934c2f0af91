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
}
