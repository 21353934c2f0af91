package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quaterion.PackageGraph;

/**
 * The repository builds and tests on a user's clone with nothing beside it: no build file, source, test, script or
 * document may point into a sibling folder of reading material, and the parity fixtures are in the test resources.
 */
class RepositoryStandsAloneTest {

    /** Folders that hold no checked-in text of ours. */
    private static final Set<String> SKIPPED = Set.of(".git", "target", "node_modules", ".mvn");

    /** A path into the sibling folder, built from parts so this file does not match itself. */
    private static final Pattern OUTSIDE = Pattern.compile(
            "\\.\\./" + "shared\\b|\\b" + "shared/(fixtures|bench|docs|repro|hooks)\\b|" + "quaterion-java-" + "shared");

    @Test
    void nothingPointsOutsideTheRepository() throws IOException {
        Path root = PackageGraph.repositoryRoot();
        List<String> hits = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(f -> !skipped(root.relativize(f)))::iterator) {
                String text = textOf(file);
                if (text == null) {
                    continue;
                }
                scanned++;
                String[] lines = text.split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = OUTSIDE.matcher(lines[i]);
                    if (m.find()) {
                        hits.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        System.out.println("RepositoryStandsAloneTest: scanned " + scanned + " text files under " + root);
        assertTrue(scanned > 100, "expected to scan the repository's files, scanned " + scanned + " under " + root);
        assertEquals(List.of(), hits, "files that read or cite a folder outside the repository; a user's clone "
                + "has none: keep what they need in the repository");
    }

    @Test
    void parityFixturesAreTestResources() {
        for (String name : List.of("inputs.json", "losses_pml.json", "losses_quaterion.json", "retrieval.json",
                "heads_distances.json", "crosschecks.json")) {
            assertTrue(Fixtures.class.getClassLoader().getResource(Fixtures.RESOURCE_DIR + name) != null,
                    "fixture " + name + " missing from the test resources");
        }
    }

    @Test
    void everyFixtureSuiteHasItsFile() throws IOException {
        Path suites = PackageGraph.repositoryRoot().resolve("scripts/fixtures/refgen/suites");
        Pattern fileLine = Pattern.compile("(?m)^FILE = \"([^\"]+)\"");
        List<String> problems = new ArrayList<>();
        int count = 0;
        try (Stream<Path> modules = Files.list(suites)) {
            for (Path module : (Iterable<Path>) modules::iterator) {
                String file = String.valueOf(module.getFileName());
                if (!file.endsWith(".py") || file.startsWith("_")) {
                    continue;
                }
                String name = file.replaceFirst("\\.py$", "");
                Matcher m = fileLine.matcher(Files.readString(module, StandardCharsets.UTF_8));
                if (!m.find()) {
                    problems.add(name + ": no FILE = \"….json\" line");
                    continue;
                }
                count++;
                if (Fixtures.class.getClassLoader().getResource(Fixtures.RESOURCE_DIR + m.group(1)) == null) {
                    problems.add(name + ": its file " + m.group(1) + " is not in the test resources; run "
                            + "scripts/fixtures/regenerate.py --only " + name);
                } else if (!Fixtures.read(m.group(1)).get("suite").getAsString().equals(name)) {
                    problems.add(m.group(1) + " was written by suite " + Fixtures.read(m.group(1)).get("suite"));
                }
            }
        }
        System.out.println("RepositoryStandsAloneTest: " + count + " fixture suites");
        assertEquals(List.of(), problems, "fixture suites and their files");
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    /** The file as UTF-8 text, or null for binary files (a NUL byte in the first 8 KiB) and large data files. */
    private static String textOf(Path file) throws IOException {
        if (Files.size(file) > 4L << 20) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
            if (bytes[i] == 0) {
                return null;
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
