package org.quaterion.models.heads;

import com.google.gson.JsonObject;

/**
 * Rebuilds heads of one type name from their {@link EncoderHead#config()}. Parameters are loaded afterwards.
 *
 * <p>Register custom heads with {@code ModelRegistry.register(...)} or in
 * {@code META-INF/services/org.quaterion.models.heads.HeadFactory}.
 */
public interface HeadFactory {

    /**
     * The type name this factory builds.
     *
     * @return the type name
     */
    String typeName();

    /**
     * Builds an (uninitialized) head from its config.
     *
     * @param config the head's config as {@link EncoderHead#config()} wrote it
     * @param registry builds nested heads (a {@code ModelRegistry} when a model is loaded)
     * @return the head
     */
    EncoderHead create(JsonObject config, HeadResolver registry);

    /**
     * The {@code {"type": …, "config": …}} description of a head, as stored in {@code config.json}.
     *
     * @param head the head
     * @return a new JSON object
     */
    static JsonObject describe(EncoderHead head) {
        JsonObject json = new JsonObject();
        json.addProperty("type", head.typeName());
        json.add("config", head.config());
        return json;
    }
}
