package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.Regularizer;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.miner.Miner;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.ComponentSpec;
import org.quaterion.settings.Setting;

/**
 * The settings table of docs/losses.md is generated from the declarations and must equal them: a setting added,
 * renamed or given another default fails here until the docs follow. Run with {@code -Dsettings.docs.write=true} to
 * rewrite the block.
 */
class SettingsDocsTest {

    private static final Path DOC = java.util.Objects.requireNonNull(Path.of("").toAbsolutePath().getParent(),
            "the tests run in a module directory below the repository root").resolve("docs/losses.md");
    private static final String BEGIN = "<!-- settings-table: generated from the declarations by SettingsDocsTest -->";
    private static final String END = "<!-- /settings-table -->";
    private static final Map<Class<?>, String> KINDS = Map.of(SimilarityLoss.class, "losses", Miner.class, "miners",
            Reducer.class, "reducers", Distance.class, "distances", Regularizer.class, "regularizers");

    /** The block: type names per kind, then every setting of every component. */
    static String table(ComponentRegistry registry) {
        StringBuilder out = new StringBuilder(BEGIN).append("\n\n| kind | type names |\n|---|---|\n");
        List<Class<?>> kinds = List.of(SimilarityLoss.class, Miner.class, Reducer.class, Distance.class,
                Regularizer.class);
        for (Class<?> kind : kinds) {
            out.append("| ").append(KINDS.get(kind)).append(" | ").append(String.join(", ", registry.names(kind)
                    .stream().map(n -> "`" + n + "`").toList())).append(" |\n");
        }
        out.append("\n| kind | type | setting | default | valid values | meaning |\n|---|---|---|---|---|---|\n");
        for (Class<?> kind : kinds) {
            for (ComponentFactory<?> f : registry.factories(kind)) {
                ComponentSpec<?> spec = f.spec();
                if (spec.settings().isEmpty()) {
                    out.append(row(KINDS.get(kind), spec.name(), "—", "", "", "no settings"));
                }
                for (Setting<?> s : spec.settings()) {
                    out.append(row(KINDS.get(kind), spec.name(), "`" + s.key() + "`", "`" + s.defaultText() + "`",
                            s.rule(), s.doc()));
                }
            }
        }
        return out.append('\n').append(END).toString();
    }

    private static String row(String kind, String type, String key, String def, String rule, String doc) {
        return "| " + kind + " | `" + type + "` | " + key + " | " + def + " | " + rule.replace("|", "\\|") + " | "
                + doc.replace("|", "\\|") + " |\n";
    }

    @Test
    void theDocsTableEqualsTheDeclarations() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/losses.md needs the block " + BEGIN + " … " + END);
        String expected = table(ComponentRegistry.discover());
        String actual = doc.substring(begin, end + END.length());
        if (!expected.equals(actual) && Boolean.getBoolean("settings.docs.write")) {
            Files.writeString(DOC, doc.substring(0, begin) + expected + doc.substring(end + END.length()),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, actual, "docs/losses.md's settings table differs from the declarations; rerun this "
                + "test with -Dsettings.docs.write=true to regenerate it");
    }
}
