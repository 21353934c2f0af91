package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quaterion.ClassFiles;

/**
 * No two public top-level classes of quaterion-models and quaterion-core share a simple name (a user could import
 * the wrong {@code ContrastiveLoss}), and the optimizer type a model returns does not share DJL's {@code Optimizer} name.
 */
class PublicNamesTest {

    @Test
    void publicClassesHaveDistinctSimpleNames() throws Exception {
        Map<String, Set<String>> byName = new TreeMap<>();
        int classes = 0;
        for (Class<?> anchor : List.of(org.quaterion.models.SimilarityModel.class, org.quaterion.loss.GroupLoss.class)) {
            for (ClassFiles.Info info : ClassFiles.of(anchor)) {
                if (info.name().contains("$") || info.name().endsWith("package-info")) {
                    continue;
                }
                Class<?> c = Class.forName(info.name().replace('/', '.'), false, anchor.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !c.getPackageName().contains(".internal")) {
                    byName.computeIfAbsent(c.getSimpleName(), k -> new TreeSet<>()).add(c.getName());
                    classes++;
                }
            }
        }
        List<String> shared = new ArrayList<>();
        byName.forEach((name, owners) -> {
            if (owners.size() > 1) {
                shared.add(name + ": " + owners);
            }
        });
        assertTrue(classes > 100, "found " + classes + " public classes");
        assertEquals(List.of(), shared, "public classes sharing a simple name");
        assertFalse(byName.containsKey("Optimizer"), "clashes with DJL's ai.djl.training.optimizer.Optimizer");
        System.out.println("PublicNamesTest: " + classes + " public classes, every simple name distinct");
    }
}
