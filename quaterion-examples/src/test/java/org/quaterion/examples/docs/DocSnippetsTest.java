package org.quaterion.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of README.md and docs/ is compiled code: a {@code ```java} block must follow a marker
 * {@code <!-- snippet: Name -->} and equal the imports of a {@code docs/Name.java} test source (in this package, or a
 * {@code docs} package of another module when it needs that module, e.g. Spark's), a blank line and
 * the lines between its {@code // snippet-start} and {@code // snippet-end} comments, de-indented; or follow
 * {@code <!-- file: path -->} (whole files of the consumer check, compared by consumer-check.sh). So a snippet
 * cannot drift from code that compiles, and its imports say where every class lives.
 */
class DocSnippetsTest {

    /** Tests run in the module directory; the repository is its parent. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: (\\w+) -->");

    @Test
    void everyJavaBlockIsACompiledSnippet() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).equals("```java")) {
                    continue;
                }
                String where = ROOT.relativize(doc) + ":" + (i + 1);
                String marker = i > 0 ? lines.get(i - 1) : "";
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).equals("```")) {
                    end++;
                }
                String shown = String.join("\n", lines.subList(i + 1, end));
                if (marker.startsWith("<!-- file: ")) {
                    continue; // compared by quaterion-consumer-check/consumer-check.sh
                }
                Matcher m = SNIPPET.matcher(marker);
                if (!m.matches()) {
                    problems.add(where + ": a java block without a <!-- snippet: Name --> marker on the line above");
                    continue;
                }
                Path source = source(m.group(1));
                if (source == null) {
                    problems.add(where + ": no snippet source docs/" + m.group(1) + ".java in any module's tests");
                    continue;
                }
                String expected = expected(Files.readAllLines(source));
                if (!expected.equals(shown)) {
                    problems.add(where + ": differs from " + ROOT.relativize(source) + "; the doc should show:\n"
                            + expected);
                }
                checked++;
            }
        }
        System.out.println("doc snippets checked against compiled sources: " + checked);
        assertEquals(List.of(), problems);
        assertTrue(checked >= 10, "only " + checked + " snippets found");
    }

    /** The test source {@code <module>/src/test/java/.../docs/<name>.java}, or null. */
    private static Path source(String name) throws IOException {
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : (Iterable<Path>) modules.sorted()::iterator) {
                Path tests = module.resolve("src/test/java");
                if (!Files.isDirectory(tests)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(tests)) {
                    Path found = walk.filter(p -> p.getFileName().toString().equals(name + ".java")
                            && p.getParent().getFileName().toString().equals("docs")).findFirst().orElse(null);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    /** The imports, a blank line and the de-indented region. */
    static String expected(List<String> source) {
        List<String> out = new ArrayList<>();
        for (String line : source) {
            if (line.startsWith("import ")) {
                out.add(line);
            }
        }
        int start = -1;
        int end = -1;
        for (int i = 0; i < source.size(); i++) {
            if (source.get(i).trim().equals("// snippet-start")) {
                start = i + 1;
            } else if (source.get(i).trim().equals("// snippet-end")) {
                end = i;
            }
        }
        if (start < 0 || end < start) {
            throw new IllegalStateException("no // snippet-start ... // snippet-end region");
        }
        List<String> region = source.subList(start, end);
        int indent = Integer.MAX_VALUE;
        for (String line : region) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        if (!out.isEmpty()) {
            out.add("");
        }
        for (String line : region) {
            out.add(line.isBlank() ? "" : line.substring(indent));
        }
        return String.join("\n", out);
    }
}
