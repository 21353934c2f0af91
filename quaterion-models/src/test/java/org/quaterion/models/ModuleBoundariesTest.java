package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.PackageGraph;

/**
 * The build's boundary between modules: a package with an {@code internal} segment belongs to the module whose
 * {@code src/main/java} declares it, and no other module may name it (import, static import or qualified name) in its
 * main or test sources. What another module needs lives in a documented public package of its owner, such as
 * {@code org.quaterion.models.io} or {@code org.quaterion.models.tensor}. Java's class-path jars cannot hide a public
 * class, so this scan is the enforcement; it runs in quaterion-models, the base module, so every build that includes
 * a module's upstream modules ({@code -am}) runs it.
 */
class ModuleBoundariesTest {

    /** Folders below a module that hold no sources of ours. */
    private static final List<String> SOURCE_ROOTS = List.of("src/main/java", "src/test/java");

    /**
     * A package name through its {@code internal} segment and any lower-case segments after it (a class name starts
     * upper-case, a wildcard import ends at {@code .*}).
     */
    private static final Pattern INTERNAL = Pattern.compile(
            "\\borg\\.quaterion(?:\\.[a-z_][a-z0-9_]*)*?\\.internal(?:\\.[a-z_][a-z0-9_]*)*\\b");

    @Test
    void noModuleNamesAnotherModulesInternalPackage() throws IOException {
        Path root = PackageGraph.repositoryRoot();
        Map<String, String> owners = internalPackageOwners(root);
        assertTrue(owners.containsKey("org.quaterion.models.internal"), "expected to find the internal packages of the "
                + "modules under " + root + ", found " + owners);
        List<String> violations = violations(root, owners);
        assertEquals(List.of(), violations, "sources that use another module's internal package; internal packages "
                + "are not part of a module's API and may change in any release");
    }

    @Test
    void aFileThatImportsAnotherModulesInternalPackageIsNamedWithTheFix(@TempDir Path root) throws IOException {
        String alphaInternal = "org.quaterion.alpha." + "internal";
        write(root.resolve("alpha/src/main/java/org/quaterion/alpha/internal/Helper.java"),
                "package " + alphaInternal + ";\npublic final class Helper {}\n");
        write(root.resolve("alpha/src/main/java/org/quaterion/alpha/Api.java"),
                "package org.quaterion.alpha;\nimport " + alphaInternal + ".Helper;\nclass Api {}\n");
        write(root.resolve("beta/src/main/java/org/quaterion/beta/User.java"),
                "package org.quaterion.beta;\n\nimport static " + alphaInternal + ".Helper.run;\nclass User {}\n");
        write(root.resolve("beta/src/test/java/org/quaterion/beta/UserTest.java"),
                "package org.quaterion.beta;\nclass UserTest { " + alphaInternal + ".Helper h; }\n");

        Map<String, String> owners = internalPackageOwners(root);
        assertEquals(Map.of(alphaInternal, "alpha"), owners);
        List<String> violations = violations(root, owners);
        assertEquals(2, violations.size(), violations.toString());
        assertEquals("beta/src/main/java/org/quaterion/beta/User.java:3 uses " + alphaInternal + ".Helper, the internal "
                + "package of module alpha: use alpha's public API, or move what beta needs into a documented public "
                + "package of alpha (internal packages are visible to their own module only)", violations.get(0));
        assertTrue(violations.get(1).startsWith("beta/src/test/java/org/quaterion/beta/UserTest.java:2 uses "
                + alphaInternal + ".Helper,"), violations.get(1));
    }

    /** Internal package name to the module (a folder below the root) whose main sources declare it. */
    static Map<String, String> internalPackageOwners(Path root) throws IOException {
        Map<String, String> owners = new TreeMap<>();
        for (Path module : modules(root)) {
            Path main = module.resolve("src/main/java");
            if (!Files.isDirectory(main)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(main)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    String pkg = main.relativize(file.getParent()).toString().replace(file.getFileSystem()
                            .getSeparator(), ".");
                    if ((pkg + ".").contains(".internal.")) {
                        owners.put(pkg, root.relativize(module).toString());
                    }
                }
            }
        }
        return owners;
    }

    /** One line per use of an internal package outside its owner: the file and line, what it names, and the fix. */
    static List<String> violations(Path root, Map<String, String> owners) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path module : modules(root)) {
            String name = root.relativize(module).toString();
            for (String sources : SOURCE_ROOTS) {
                Path dir = module.resolve(sources);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                for (Path file : PackageGraph.javaFiles(dir)) {
                    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
                    for (int i = 0; i < lines.length; i++) {
                        Matcher m = INTERNAL.matcher(lines[i]);
                        while (m.find()) {
                            String owner = owners.getOrDefault(m.group(), "(none: no module declares it)");
                            if (!owner.equals(name)) {
                                out.add(root.relativize(file).toString().replace('\\', '/') + ":" + (i + 1) + " uses "
                                        + named(lines[i], m) + ", the internal package of module " + owner
                                        + ": use " + owner + "'s public API, or move what " + name + " needs into a "
                                        + "documented public package of " + owner + " (internal packages are visible "
                                        + "to their own module only)");
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The package and, when present, the class named after it ({@code a.internal.Helper}). */
    private static String named(String line, Matcher m) {
        int end = m.end();
        if (end + 1 < line.length() && line.charAt(end) == '.') {
            int stop = end + 1;
            while (stop < line.length() && (Character.isJavaIdentifierPart(line.charAt(stop))
                    || line.charAt(stop) == '*')) {
                stop++;
            }
            return line.substring(m.start(), stop);
        }
        return m.group();
    }

    /** The folders of the root that hold a module's sources. */
    private static List<Path> modules(Path root) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(d -> SOURCE_ROOTS.stream().anyMatch(s -> Files.isDirectory(d.resolve(s))))
                    .sorted().toList();
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(java.util.Objects.requireNonNull(file.getParent(), "a file below the root"));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
