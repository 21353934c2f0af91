package org.quaterion.settings;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Map;
import org.quaterion.distance.Distance;

/** Reads a distance strictly: a bare name, or a config with exactly the keys {@link Distance#config()} writes. */
final class DistanceJson {

    private DistanceJson() {}

    static Distance read(JsonElement json) {
        if (json.isJsonPrimitive() && json.getAsJsonPrimitive().isString()) {
            return Distance.byName(json.getAsString());
        }
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException("must be a distance name or {name, normalize, scale}, got " + json);
        }
        JsonObject config = json.getAsJsonObject();
        JsonObject shape = Distance.cosine().config(); // the keys and their JSON kinds, as the distance writes them
        for (Map.Entry<String, JsonElement> e : config.entrySet()) {
            JsonElement expected = shape.get(e.getKey());
            if (expected == null) {
                throw new IllegalArgumentException("distance has no setting '" + e.getKey() + "'; its settings are "
                        + shape.keySet());
            }
            if (!sameKind(expected.getAsJsonPrimitive(), e.getValue())) {
                throw new IllegalArgumentException("distance setting '" + e.getKey() + "' must be like "
                        + expected + ", got " + e.getValue());
            }
        }
        return Distance.fromConfig(config);
    }

    private static boolean sameKind(JsonPrimitive expected, JsonElement value) {
        if (!value.isJsonPrimitive()) {
            return false;
        }
        JsonPrimitive v = value.getAsJsonPrimitive();
        return expected.isBoolean() ? v.isBoolean() : expected.isNumber() ? v.isNumber() : v.isString();
    }
}
