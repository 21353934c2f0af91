package org.quaterion.registry;

import com.google.gson.JsonObject;
import org.quaterion.loss.NestedComponentReader;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.miner.Miner;

/** The registry as the reader of nested components: every discovered loss and miner, by registry name. */
public final class RegistryNestedComponentReader implements NestedComponentReader {

    private final ComponentRegistry registry = ComponentRegistry.discover();

    /** Creates the reader over {@link ComponentRegistry#discover()} (called by {@link java.util.ServiceLoader}). */
    public RegistryNestedComponentReader() {}

    @Override
    public SimilarityLoss loss(JsonObject description) {
        return registry.loss(description);
    }

    @Override
    public Miner miner(JsonObject description) {
        return registry.miner(description);
    }

    @Override
    public JsonObject describe(Object component) {
        return registry.describe(component);
    }
}
