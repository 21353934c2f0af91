package org.quaterion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test helper: which {@code org.quaterion} packages the Java sources under some folders use, read from the sources
 * (imports, static imports and qualified names; comments and string literals ignored), and the cycles among them.
 * It needs no compiled classes, so one test can check every module of the repository.
 */
public final class PackageGraph {

    /** A package name up to its first class name (upper-case segment) or the {@code *} of a wildcard import. */
    private static final Pattern REFERENCE =
            Pattern.compile("\\borg\\.quaterion(?:\\.[a-z_][a-z0-9_]*)*(?=\\.(?:[A-Z]|\\*))");

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    /** Package → package it uses → the first source file (as given) that makes that use. */
    private final Map<String, Map<String, String>> uses = new TreeMap<>();

    private PackageGraph() {}

    /**
     * Reads every {@code .java} file under the given folders.
     *
     * @param root the folder the reported file names are relative to
     * @param sourceRoots source folders (e.g. each module's {@code src/main/java}); missing ones are skipped
     * @return the graph
     * @throws IOException when a file cannot be read
     */
    public static PackageGraph of(Path root, List<Path> sourceRoots) throws IOException {
        PackageGraph graph = new PackageGraph();
        for (Path dir : sourceRoots) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            for (Path file : javaFiles(dir)) {
                String name = root.relativize(file).toString().replace('\\', '/');
                graph.add(name, Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return graph;
    }

    /**
     * A graph of sources given as text.
     *
     * @param namesAndSources file name, source, file name, source, …
     * @return the graph
     */
    static PackageGraph of(List<String> namesAndSources) {
        PackageGraph graph = new PackageGraph();
        for (int i = 0; i + 1 < namesAndSources.size(); i += 2) {
            graph.add(namesAndSources.get(i), namesAndSources.get(i + 1));
        }
        return graph;
    }

    /**
     * Adds one source file.
     *
     * @param name how the file is named in reports
     * @param source its text
     */
    void add(String name, String source) {
        String code = codeOnly(source);
        Matcher declared = PACKAGE.matcher(code);
        if (!declared.find()) {
            return; // the default package: nothing of ours
        }
        String from = declared.group(1);
        Map<String, String> targets = uses.computeIfAbsent(from, k -> new TreeMap<>());
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            if (!m.group().equals(from)) {
                targets.putIfAbsent(m.group(), name);
            }
        }
    }

    /**
     * The Java source files under a folder.
     *
     * @param dir the folder
     * @return the {@code .java} files, sorted
     * @throws IOException when the folder cannot be walked
     */
    public static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /**
     * The main source folders of every module of the repository: each folder of the root with a
     * {@code src/main/java}.
     *
     * @param root the repository root
     * @return those folders, sorted
     * @throws IOException when the root cannot be listed
     */
    public static List<Path> mainSourceRoots(Path root) throws IOException {
        try (Stream<Path> children = Files.list(root)) {
            return children.map(d -> d.resolve("src/main/java")).filter(Files::isDirectory).sorted().toList();
        }
    }

    /**
     * The repository root: the first folder, from the working directory (a module's, under Maven) upwards, that
     * holds the Maven wrapper and a pom.
     *
     * @return the root
     * @throws IllegalStateException when there is none
     */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository root (a folder with mvnw and pom.xml) above "
                + Path.of("").toAbsolutePath());
    }

    /**
     * The packages read.
     *
     * @return their names, sorted
     */
    public Set<String> packages() {
        return new TreeSet<>(uses.keySet());
    }

    /**
     * Every cycle: one line per group of packages that reach each other, listing the uses inside the group with a
     * file that makes each.
     *
     * @return the cycles, empty when the packages form a hierarchy
     */
    public List<String> cycles() {
        List<String> out = new ArrayList<>();
        for (Set<String> group : stronglyConnected()) {
            if (group.size() < 2) {
                continue;
            }
            List<String> edges = new ArrayList<>();
            for (String from : group) {
                uses.getOrDefault(from, Map.of()).forEach((to, file) -> {
                    if (group.contains(to)) {
                        edges.add(from + " -> " + to + " (" + file + ")");
                    }
                });
            }
            out.add("packages " + group + " use each other: " + String.join("; ", edges));
        }
        return out;
    }

    /** Tarjan's strongly connected components, iteratively (no deep recursion on long chains). */
    private List<Set<String>> stronglyConnected() {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> groups = new ArrayList<>();
        for (String start : uses.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Map.Entry<String, List<String>>> frames = new ArrayDeque<>();
            visit(start, index, low, stack, onStack, frames);
            while (!frames.isEmpty()) {
                Map.Entry<String, List<String>> frame = frames.peek();
                String v = frame.getKey();
                if (!frame.getValue().isEmpty()) {
                    String w = frame.getValue().remove(0);
                    if (!index.containsKey(w)) {
                        visit(w, index, low, stack, onStack, frames);
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                frames.pop();
                if (!frames.isEmpty()) {
                    String parent = frames.peek().getKey();
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> group = new TreeSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        group.add(w);
                    } while (!w.equals(v));
                    groups.add(group);
                }
            }
        }
        return groups;
    }

    private void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            Set<String> onStack, Deque<Map.Entry<String, List<String>>> frames) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        frames.push(Map.entry(v, new ArrayList<>(uses.getOrDefault(v, Map.of()).keySet())));
    }

    /** The source with comments, string and character literals (text blocks included) blanked out. */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
