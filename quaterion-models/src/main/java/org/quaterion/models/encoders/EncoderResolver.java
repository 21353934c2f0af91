package org.quaterion.models.encoders;

/**
 * Finds the factory of a nested encoder's saved type name, for encoders that hold others (a switch encoder); a
 * {@code ModelRegistry} is one.
 */
@FunctionalInterface
public interface EncoderResolver {

    /**
     * Finds the encoder factory for a type name.
     *
     * @param typeName the saved type name
     * @return the factory
     * @throws IllegalArgumentException when none is registered, listing those that are
     */
    EncoderFactory encoderFactory(String typeName);
}
