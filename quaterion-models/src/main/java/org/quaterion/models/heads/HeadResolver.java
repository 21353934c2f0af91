package org.quaterion.models.heads;

import com.google.gson.JsonObject;

/**
 * Builds the nested heads of a composite head (sequential, switch) from their saved descriptions; a
 * {@code ModelRegistry} is one, resolving each type name to its {@link HeadFactory}.
 */
@FunctionalInterface
public interface HeadResolver {

    /**
     * Builds a head from its {@code {"type", "config"}} description.
     *
     * @param description as written by {@link HeadFactory#describe}
     * @return the (uninitialized) head
     * @throws IllegalArgumentException when the description is malformed or no factory is known for its type
     */
    EncoderHead createHead(JsonObject description);
}
