package org.quaterion.models.encoders;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * What a factory needs to rebuild a saved component: the manager that will own its parameters, the model's data
 * type, and the registry to resolve nested components.
 *
 * @param manager owner of loaded parameters (its device is the target device)
 * @param dataType the model's floating-point type
 * @param registry resolves type names of nested encoders (a {@code ModelRegistry} when a model is loaded)
 */
public record LoadContext(NDManager manager, DataType dataType, EncoderResolver registry) {}
