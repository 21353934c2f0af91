package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Activation functions by their {@code torch.nn.functional} names, as Quaterion's {@code ActivationFromFnName}. */
public final class Activations {

    private static final Map<String, UnaryOperator<NDArray>> BY_NAME = build();

    private Activations() {}

    private static Map<String, UnaryOperator<NDArray>> build() {
        Map<String, UnaryOperator<NDArray>> m = new TreeMap<>();
        m.put("relu", Activation::relu);
        m.put("relu6", Activation::relu6);
        m.put("tanh", Activation::tanh);
        m.put("sigmoid", Activation::sigmoid);
        m.put("gelu", Activation::gelu);
        m.put("elu", x -> Activation.elu(x, 1f));
        m.put("selu", Activation::selu);
        m.put("leaky_relu", x -> Activation.leakyRelu(x, 0.01f));
        m.put("softplus", Activation::softPlus);
        m.put("softsign", Activation::softSign);
        m.put("silu", x -> x.mul(Activation.sigmoid(x)));
        m.put("mish", Activation::mish);
        m.put("identity", x -> x);
        return Map.copyOf(m);
    }

    /**
     * Looks up an activation.
     *
     * @param name a {@code torch.nn.functional} name such as {@code "relu"}
     * @return the function
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static UnaryOperator<NDArray> byName(String name) {
        UnaryOperator<NDArray> f = BY_NAME.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown activation_fn '" + name + "': use one of "
                    + new TreeMap<>(BY_NAME).keySet());
        }
        return f;
    }
}
