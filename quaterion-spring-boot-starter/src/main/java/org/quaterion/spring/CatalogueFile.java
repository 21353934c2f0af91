package org.quaterion.spring;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quaterion.search.Payload;

/**
 * A catalogue in JSON Lines: one object per line, {@code {"id": "dish-1", "text": "miso soup", "payload": {...}}},
 * {@code payload} optional (any JSON value), blank lines ignored. Every problem is refused with the file, the line
 * number and what is wrong: a line that is not a JSON object, a missing, blank or non-text id or text, an id with a
 * line break, an unknown or repeated field, an id used twice, a file without items.
 */
final class CatalogueFile {

    /** The fields a line may have. */
    static final Set<String> FIELDS = Set.of("id", "text", "payload");

    /** Strict, and exact: a payload's decimals keep their digits ({@code 4.50} stays {@code 4.50}). */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * One line of the catalogue.
     *
     * @param id the item's id
     * @param text what the model encodes
     * @param payload what search hits return with the id, or null
     */
    record Item(String id, String text, Payload payload) {}

    /**
     * A catalogue read from a file.
     *
     * @param items the items in file order
     * @param sha256 the SHA-256 of the file's bytes, hexadecimal
     */
    record Catalogue(List<Item> items, String sha256) {}

    private CatalogueFile() {}

    /**
     * Reads and checks the whole file.
     *
     * @param file the JSONL file
     * @return its items in file order and the SHA-256 of the bytes read
     * @throws IOException when the file cannot be read or is not UTF-8
     * @throws IllegalArgumentException naming the file and line of the first problem
     */
    static Catalogue read(Path file) throws IOException {
        List<Item> items = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        MessageDigest sha256 = SourceRecord.sha256();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new DigestInputStream(
                Files.newInputStream(file), sha256), StandardCharsets.UTF_8.newDecoder()))) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                Item item = parse(file, number, line);
                Integer first = lineOfId.putIfAbsent(item.id(), number);
                if (first != null) {
                    throw problem(file, number, "id \"" + item.id() + "\" is already used on line " + first
                            + ": ids must be unique");
                }
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(file + " has no items: write one JSON object per line, e.g. "
                    + "{\"id\": \"dish-1\", \"text\": \"miso soup\", \"payload\": {\"price\": 4.5}}");
        }
        return new Catalogue(items, HexFormat.of().formatHex(sha256.digest()));
    }

    private static Item parse(Path file, int number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonParseException e) {
            String duplicate = StrictJson.duplicateField(e);
            throw problem(file, number, duplicate != null ? "field \"" + duplicate + "\" appears twice"
                    : "not valid JSON (column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage() + ")");
        } catch (JsonProcessingException e) {
            throw problem(file, number, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw problem(file, number, "not a JSON object: each line is {\"id\": ..., \"text\": ...}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw problem(file, number, "unknown field \"" + name + "\": a line has \"id\", \"text\" "
                        + "and optionally \"payload\"");
            }
        }
        String id = text(file, number, node, "id");
        if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
            throw problem(file, number, "\"id\" contains a line break");
        }
        String text = text(file, number, node, "text");
        JsonNode payload = node.get("payload");
        if (payload == null || payload.isNull()) {
            return new Item(id, text, null);
        }
        try {
            return new Item(id, text, Payload.json(payload.toString()));
        } catch (IllegalArgumentException e) {
            throw problem(file, number, "\"payload\": " + e.getMessage());
        }
    }

    private static String text(Path file, int number, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw problem(file, number, "no \"" + field + "\" field");
        }
        if (!value.isTextual()) {
            throw problem(file, number, "\"" + field + "\" must be a JSON string, got " + value
                    + (value.isNumber() ? " (write \"" + value + "\")" : ""));
        }
        if (value.asText().isBlank()) {
            throw problem(file, number, "\"" + field + "\" is blank");
        }
        return value.asText();
    }

    private static IllegalArgumentException problem(Path file, int number, String what) {
        return new IllegalArgumentException(file + " line " + number + ": " + what);
    }
}
