package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.search.Payload;

class CatalogueFileTest {

    @TempDir
    Path dir;

    private Path write(String... lines) throws IOException {
        Path file = dir.resolve("catalogue.jsonl");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private void assertRefused(String expectedLine, String expectedWords, String... lines) throws IOException {
        Path file = write(lines);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CatalogueFile.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedLine), e.getMessage());
        assertTrue(e.getMessage().contains(expectedWords), e.getMessage());
    }

    @Test
    void readsItemsPayloadsAndTheFilesDigest() throws IOException {
        Path file = write("{\"id\": \"a\", \"text\": \"miso soup\", \"payload\": {\"price\": 4.50, \"tags\": [\"jp\"]}}",
                "", "{\"id\": \"b\", \"text\": \"greek salad\"}", "{\"id\": \"c\", \"text\": \"tacos\", \"payload\": 7}");
        CatalogueFile.Catalogue catalogue = CatalogueFile.read(file);
        List<CatalogueFile.Item> items = catalogue.items();
        assertEquals(List.of("a", "b", "c"), items.stream().map(CatalogueFile.Item::id).toList());
        assertEquals("miso soup", items.get(0).text());
        assertEquals(Payload.json("{\"price\":4.50,\"tags\":[\"jp\"]}"), items.get(0).payload());
        assertNull(items.get(1).payload());
        assertEquals(Payload.json("7"), items.get(2).payload());
        assertEquals(SourceRecord.fileSha256(file), catalogue.sha256());
    }

    @Test
    void refusesEachBadLineByNumber() throws IOException {
        String good = "{\"id\": \"a\", \"text\": \"soup\"}";
        assertRefused("line 2:", "not valid JSON", good, "{\"id\": \"b\", \"text\": }");
        assertRefused("line 2:", "not valid JSON", good, "{\"id\": \"b\", \"text\": \"x\"} trailing");
        assertRefused("line 2:", "not a JSON object", good, "[\"b\", \"x\"]");
        assertRefused("line 2:", "no \"text\"", good, "{\"id\": \"b\"}");
        assertRefused("line 2:", "no \"id\"", good, "{\"text\": \"b\"}");
        assertRefused("line 2:", "\"id\" must be a JSON string", good, "{\"id\": 42, \"text\": \"b\"}");
        assertRefused("line 2:", "\"text\" is blank", good, "{\"id\": \"b\", \"text\": \"  \"}");
        assertRefused("line 2:", "unknown field \"paylod\"", good, "{\"id\": \"b\", \"text\": \"x\", \"paylod\": 1}");
        assertRefused("line 2:", "field \"text\" appears twice", good, "{\"id\": \"b\", \"text\": \"x\", \"text\": \"y\"}");
        assertRefused("line 2:", "line break", good, "{\"id\": \"b\\nc\", \"text\": \"x\"}");
    }

    @Test
    void refusesDuplicateIdsNamingBothLines() throws IOException {
        assertRefused("line 3:", "id \"a\" is already used on line 1", "{\"id\": \"a\", \"text\": \"soup\"}",
                "{\"id\": \"b\", \"text\": \"salad\"}", "{\"id\": \"a\", \"text\": \"tacos\"}");
    }

    @Test
    void refusesAnEmptyCatalogue() throws IOException {
        Path file = write("", "  ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CatalogueFile.read(file));
        assertTrue(e.getMessage().contains("has no items"), e.getMessage());
    }
}
