package org.quaterion.models.encoders;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.quaterion.models.ModelRegistry;

/**
 * What a factory needs to rebuild a saved component: the manager that will own its parameters, the model's data
 * type, and the registry to resolve nested components.
 *
 * @param manager owner of loaded parameters (its device is the target device)
 * @param dataType the model's floating-point type
 * @param registry resolves type names of nested encoders and heads
 */
public record LoadContext(NDManager manager, DataType dataType, ModelRegistry registry) {}
