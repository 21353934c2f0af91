package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quaterion.loss.BaseLoss;
import org.quaterion.loss.SimilarityLoss;

/**
 * The reducer is part of the loss (PML's composition). Every loss that declares one takes it from its config and
 * really uses it; a loss without one refuses the setting instead of ignoring it.
 */
class ReducerCompositionTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();
    /** The losses whose declaration has a reducer setting. */
    private static final Set<String> WITH_REDUCER = new TreeSet<>(REGISTRY.factories(SimilarityLoss.class).stream()
            .filter(f -> f.spec().setting("reducer") != null).map(ComponentFactory::typeName).toList());

    private static SimilarityLoss build(String type, Object reducer) {
        JsonObject overrides = AllLosses.requiredSettings(REGISTRY.factories(SimilarityLoss.class).stream()
                .filter(f -> f.typeName().equals(type)).findFirst().orElseThrow().spec());
        if (reducer != null) {
            overrides.add("reducer", reducer instanceof JsonObject o ? o : new com.google.gson.JsonPrimitive((String) reducer));
        }
        return REGISTRY.loss(type, overrides);
    }

    @Test
    void everyLossWithAReducerUsesTheConfiguredOne() {
        Random random = new Random(9);
        double[][] emb = AllLosses.gaussian(random, 12, 4);
        long[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        double[][] weights = AllLosses.gaussian(random, 3, 4);
        Set<String> found = new TreeSet<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (String type : REGISTRY.names(SimilarityLoss.class)) {
                if (!WITH_REDUCER.contains(type)) {
                    continue; // a loss whose reducer is not a setting (it reduces as its reference, or by a flag)
                }
                SimilarityLoss defaults = build(type, null);
                assertTrue(defaults instanceof BaseLoss<?> b && b.reducer() != null, type + " declares a reducer");
                BaseLoss<?> g = (BaseLoss<?>) defaults;
                found.add(type);
                assertEquals(g.reducer().name(), defaults.config().get("reducer").getAsString(), type);
                JsonObject keepsNothing = new JsonObject();
                keepsNothing.addProperty("type", "threshold");
                keepsNothing.addProperty("low", 1e9);
                double mean = ComponentRegistryTest.value(build(type, "mean"), m, emb, labels, weights);
                double sum = ComponentRegistryTest.value(build(type, "sum"), m, emb, labels, weights);
                double none = ComponentRegistryTest.value(build(type, keepsNothing), m, emb, labels,
                        weights);
                assertTrue(mean > 0, type + ": mean " + mean);
                assertTrue(sum > mean * 1.5, type + ": the sum (" + sum + ") adds several losses, the mean is "
                        + mean);
                assertEquals(0.0, none, 0.0, type + ": a threshold that keeps nothing gives 0");
            }
        }
        assertEquals(WITH_REDUCER, found, "the losses that declare a reducer use one");

    }

    @Test
    void aLossWithoutAReducerRefusesOne() {
        for (String type : REGISTRY.names(SimilarityLoss.class)) {
            if (WITH_REDUCER.contains(type)) {
                continue;
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build(type, "sum"),
                    type);
            assertTrue(e.getMessage().contains("has no setting 'reducer'"), e.getMessage());
        }
    }
}
