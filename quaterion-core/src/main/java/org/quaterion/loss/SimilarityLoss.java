package org.quaterion.loss;

import com.google.gson.JsonObject;

/** Any similarity loss: it has a JSON-serialisable configuration (Quaterion's {@code get_config_dict}). */
public interface SimilarityLoss {

    /**
     * The loss configuration.
     *
     * @return a new JSON object
     */
    JsonObject config();
}
