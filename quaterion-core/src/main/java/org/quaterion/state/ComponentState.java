package org.quaterion.state;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One component's saved state: JSON values (counters, best values, flags) and named arrays (weights, buffers). A
 * checkpoint stores it under the component's key and hands it back unchanged on resume.
 *
 * @param values scalar state; never null
 * @param arrays named arrays; never null, no null values
 */
public record ComponentState(JsonObject values, Map<String, NDArray> arrays) {

    /** Validates and copies the state. */
    public ComponentState {
        if (values == null || arrays == null) {
            throw new IllegalArgumentException("a component state needs values and arrays (use empty ones)");
        }
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("a component state's arrays need non-empty names and non-null "
                        + "values; got " + e.getKey());
            }
        }
        values = values.deepCopy();
        arrays = Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
    }

    /**
     * State with values only.
     *
     * @param values the values
     * @return the state
     */
    public static ComponentState of(JsonObject values) {
        return new ComponentState(values, Map.of());
    }

    /**
     * A copy of the values (the record keeps its own).
     *
     * @return the values
     */
    @Override
    public JsonObject values() {
        return values.deepCopy();
    }
}
