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
 * Issue 14: the reducer is part of the loss (PML's composition). Every loss that has one takes it from its config and
 * really uses it; a loss without one refuses the setting instead of ignoring it.
 */
class ReducerCompositionTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();
    private static final Set<String> WITH_REDUCER = Set.of("triplet_margin", "contrastive", "multi_similarity",
            "ntxent", "supcon", "circle", "fast_ap", "lifted_structure", "arcface", "cosface", "softmax", "center",
            "multiple_negatives_ranking", "pair_contrastive");

    private static SimilarityLoss build(String type, String reducer) {
        JsonObject overrides = new JsonObject();
        overrides.addProperty("num_classes", 3);
        overrides.addProperty("embedding_size", 4);
        if (reducer != null) {
            overrides.addProperty("reducer", reducer);
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
                SimilarityLoss defaults = build(type, null);
                if (!(defaults instanceof BaseLoss<?> g) || g.reducer() == null) {
                    continue;
                }
                found.add(type);
                assertEquals(g.reducer().name(), defaults.config().get("reducer").getAsString(), type);
                double mean = ComponentRegistryTest.value(build(type, "mean"), m, emb, labels, weights);
                double sum = ComponentRegistryTest.value(build(type, "sum"), m, emb, labels, weights);
                double none = ComponentRegistryTest.value(build(type, "threshold(1.0E9,null)"), m, emb, labels,
                        weights);
                assertTrue(mean > 0, type + ": mean " + mean);
                assertTrue(sum > mean * 1.5, type + ": the sum (" + sum + ") adds several losses, the mean is "
                        + mean);
                assertEquals(0.0, none, 0.0, type + ": a threshold that keeps nothing gives 0");
            }
        }
        assertEquals(new TreeSet<>(WITH_REDUCER), found, "the losses that take a reducer (docs/losses.md)");
        System.out.println("ReducerCompositionTest: " + found.size() + " losses honour mean, sum and threshold");
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
