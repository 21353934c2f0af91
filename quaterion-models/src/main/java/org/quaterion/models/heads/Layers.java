package org.quaterion.models.heads;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;

/** Building blocks shared by the heads, initialised as PyTorch initialises them. */
final class Layers {

    private Layers() {}

    /**
     * A linear layer {@code y = x·Wᵀ + b} with PyTorch's default init: W and b ~ U(−1/√in, 1/√in).
     *
     * @param in input width
     * @param out output width
     * @param bias whether to add a bias
     * @return the layer
     */
    static Linear linear(int in, int out, boolean bias) {
        if (out < 1) {
            throw new IllegalArgumentException("a linear layer needs an output size >= 1, got " + out);
        }
        Linear linear = Linear.builder().setUnits(out).optBias(bias).build();
        float bound = (float) (1.0 / Math.sqrt(in));
        linear.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
        if (bias) {
            linear.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
        }
        return linear;
    }

    /**
     * A vector parameter filled with a constant (the gates of Gated and SkipConnection heads).
     *
     * @param name the parameter name
     * @param size its length
     * @param value the initial value
     * @return the parameter
     */
    static Parameter constantVector(String name, int size, float value) {
        return Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(new Shape(size))
                .optInitializer(new ConstantInitializer(value)).build();
    }
}
