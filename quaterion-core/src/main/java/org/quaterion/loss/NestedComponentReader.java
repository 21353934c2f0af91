package org.quaterion.loss;

import com.google.gson.JsonObject;
import org.quaterion.miner.Miner;

/**
 * Builds the losses and miners nested in a composite loss's config ({@link MultipleLosses},
 * {@link SelfSupervisedLoss}) and describes them back. The component registry provides it as a
 * {@link java.util.ServiceLoader} service, so this package does not depend on the registry.
 */
public interface NestedComponentReader {

    /**
     * A loss from its description.
     *
     * @param description {@code {type, config}}
     * @return the loss
     * @throws IllegalArgumentException for an unknown type or a bad setting
     */
    SimilarityLoss loss(JsonObject description);

    /**
     * A miner from its description.
     *
     * @param description {@code {type, config}}
     * @return the miner
     * @throws IllegalArgumentException for an unknown type or a bad setting
     */
    Miner miner(JsonObject description);

    /**
     * The description of a registered component.
     *
     * @param component a loss or miner
     * @return {@code {type, config}}
     * @throws IllegalArgumentException when the component's class is not registered
     */
    JsonObject describe(Object component);
}
