package org.quaterion.loss;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonObject;

/**
 * Any similarity loss: it has a JSON-serialisable configuration (Quaterion's {@code get_config_dict}) and may own
 * trainable parameters (class weights, proxies, centres, a learnable margin), which the trainer optimises with the
 * model's.
 */
public interface SimilarityLoss {

    /**
     * The loss's own trainable parameters (empty unless it has class weights, proxies, centres, …).
     *
     * @return the parameters
     */
    default ParameterList parameters() {
        return new ParameterList();
    }

    /**
     * Creates the loss's parameters, if any, on the manager's device in the given type; idempotent.
     *
     * @param manager the owner of the parameters
     * @param dataType FLOAT32 or FLOAT64
     */
    default void initialize(NDManager manager, DataType dataType) {}

    /**
     * Switches the loss between training and evaluation (PyTorch's {@code module.train()} / {@code eval()}): a loss
     * that keeps state between training steps (a cross-batch memory) updates it in training mode only. The trainer
     * calls it before its training and validation passes; a wrapper passes it to the loss it wraps.
     *
     * @param training true for training (the default mode), false for evaluation
     */
    default void train(boolean training) {}

    /**
     * The loss configuration.
     *
     * @return a new JSON object
     */
    JsonObject config();
}
