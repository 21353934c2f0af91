package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quaterion.ClassFiles;

/**
 * Issue 14: no package of quaterion-core depends on itself through another (today's shape: {@code loss} and
 * {@code miner} both use {@code internal}, and {@code loss} uses {@code miner}, never the reverse).
 */
class PackageCycleTest {

    @Test
    void corePackagesFormNoCycle() throws Exception {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (ClassFiles.Info info : ClassFiles.of(org.quaterion.loss.GroupLoss.class)) {
            Set<String> targets = uses.computeIfAbsent(info.packageName(), k -> new TreeSet<>());
            for (String c : info.classes()) {
                String p = ClassFiles.packageOf(c);
                if (p.startsWith("org.quaterion.") && !p.startsWith("org.quaterion.models")
                        && !p.equals(info.packageName())) {
                    targets.add(p);
                }
            }
        }
        List<String> cycles = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            String start = e.getKey();
            for (String via : e.getValue()) {
                if (reaches(uses, via, start, new TreeSet<>())) {
                    cycles.add(start + " -> " + via + " -> ... -> " + start);
                }
            }
        }
        assertEquals(List.of(), cycles, "package dependencies of quaterion-core: " + uses);
        System.out.println("PackageCycleTest: " + uses.size() + " packages, no cycle");
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : uses.getOrDefault(from, Set.of())) {
            if (reaches(uses, next, to, seen)) {
                return true;
            }
        }
        return false;
    }
}
