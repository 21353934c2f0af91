package org.quaterion.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One completed epoch of a fit: its number, the global step at its end, and the values logged for it.
 *
 * @param epoch the epoch number, from 1 (the checkpoint {@code epoch-0001} holds the weights after epoch 1)
 * @param globalStep training steps run up to the end of this epoch
 * @param values {@code lr}, {@code train_loss}, {@code validation_loss}, attached metrics (as
 *     {@code <key>_train} / {@code <key>_validation}), {@code epoch_seconds}; the columns of metrics.csv after
 *     {@code epoch} and {@code global_step}
 */
public record EpochResult(int epoch, long globalStep, Map<String, Double> values) {

    /** Keeps an unmodifiable copy of the values, in their logged order. */
    public EpochResult {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * One logged value.
     *
     * @param key e.g. {@code "validation_loss"}
     * @return the value, or null when the epoch did not log it
     */
    public Double get(String key) {
        return values.get(key);
    }

    /** Builds the typed row from a trainer history row ({@code epoch} and {@code global_step} included). */
    static EpochResult of(Map<String, Double> row) {
        Map<String, Double> values = new LinkedHashMap<>(row);
        Double epoch = values.remove("epoch");
        Double step = values.remove("global_step");
        return new EpochResult(epoch == null ? -1 : epoch.intValue(), step == null ? 0 : step.longValue(), values);
    }
}
