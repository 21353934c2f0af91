package org.quaterion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No package of the repository's main sources depends on itself through another: across every module (a folder of
 * the root with {@code src/main/java}), the packages form a hierarchy. It runs in quaterion-models, the base module,
 * so every build that includes a module's upstream modules runs it.
 */
class PackageCycleTest {

    @Test
    void mainSourcesOfEveryModuleFormNoPackageCycle() throws Exception {
        Path root = PackageGraph.repositoryRoot();
        List<Path> sources = PackageGraph.mainSourceRoots(root);
        List<String> modules = sources.stream().map(p -> root.relativize(p).getName(0).toString()).toList();
        assertTrue(modules.containsAll(List.of("quaterion-models", "quaterion-search", "quaterion-core",
                "quaterion-onnx", "quaterion-spark", "quaterion-cli", "quaterion-spring-boot-starter",
                "quaterion-examples")), "expected every module's main sources under " + root + ", found " + modules);
        PackageGraph graph = PackageGraph.of(root, sources);
        assertTrue(graph.packages().containsAll(Set.of("org.quaterion.models", "org.quaterion.models.heads",
                "org.quaterion.search", "org.quaterion.loss", "org.quaterion.train")), "packages read: "
                + graph.packages());
        assertEquals(List.of(), graph.cycles(), "package cycles in the main sources: move the shared type to the "
                + "lower package, or let the lower package declare an interface that the upper one implements");
        System.out.println("PackageCycleTest: " + graph.packages().size() + " packages in " + modules.size()
                + " modules, no cycle");
    }

    @Test
    void aCycleThroughImportsStaticImportsOrQualifiedNamesIsReportedWithItsFiles() {
        PackageGraph graph = PackageGraph.of(List.of(
                "a/A.java", "package org.quaterion.a;\nimport org.quaterion.b.B;\nclass A {}\n",
                "b/B.java", "package org.quaterion.b;\nimport static org.quaterion.c.C.run;\nclass B {}\n",
                "c/C.java", "package org.quaterion.c;\nclass C { org.quaterion.a.A back; }\n",
                "d/D.java", "package org.quaterion.d;\nimport org.quaterion.a.*;\nclass D {}\n"));
        assertEquals(List.of("packages [org.quaterion.a, org.quaterion.b, org.quaterion.c] use each other: "
                + "org.quaterion.a -> org.quaterion.b (a/A.java); org.quaterion.b -> org.quaterion.c (b/B.java); "
                + "org.quaterion.c -> org.quaterion.a (c/C.java)"), graph.cycles());
    }

    @Test
    void namesInCommentsAndStringsAreNoUse() {
        PackageGraph graph = PackageGraph.of(List.of(
                "a/A.java", "package org.quaterion.a;\nimport org.quaterion.b.B;\nclass A {}\n",
                "b/B.java", "package org.quaterion.b;\n/** See {@link org.quaterion.a.A}. */\nclass B {\n"
                        + "  // org.quaterion.a.A\n  String s = \"org.quaterion.a.A\";\n"
                        + "  String t = \"\"\"\n    org.quaterion.a.A\n    \"\"\";\n  char q = '\"';\n}\n"));
        assertEquals(List.of(), graph.cycles());
        assertEquals(Set.of("org.quaterion.a", "org.quaterion.b"), graph.packages());
    }
}
