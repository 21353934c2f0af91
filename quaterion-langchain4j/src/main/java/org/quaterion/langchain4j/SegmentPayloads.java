package org.quaterion.langchain4j;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.quaterion.search.Payload;

/**
 * A {@link TextSegment} as the JSON payload of an index item, and back:
 * {@code {"text": "...", "metadata": {"source": "a.txt", "year": 2021}, "metadata_types": {"year": "integer"}}}.
 * The metadata stay a plain JSON object, readable by any client of the index (its {@code /search} answers); the
 * types of the values that are not strings ({@code uuid}, {@code integer}, {@code long}, {@code float},
 * {@code double}) are recorded beside them, so that a segment reads back equal, with the types LangChain4j's filters
 * compare.
 */
final class SegmentPayloads {

    static final String TEXT = "text";
    static final String METADATA = "metadata";
    static final String TYPES = "metadata_types";

    private SegmentPayloads() {}

    /**
     * The payload of a segment.
     *
     * @param segment the segment, not null
     * @return its JSON payload
     */
    static Payload toPayload(TextSegment segment) {
        JsonObject json = new JsonObject();
        json.addProperty(TEXT, segment.text());
        JsonObject metadata = new JsonObject();
        JsonObject types = new JsonObject();
        for (Map.Entry<String, Object> e : segment.metadata().toMap().entrySet()) {
            Object value = e.getValue();
            if (value instanceof Number number) {
                metadata.add(e.getKey(), new JsonPrimitive(number));
            } else {
                metadata.addProperty(e.getKey(), value.toString());
            }
            String type = typeOf(value);
            if (type != null) {
                types.addProperty(e.getKey(), type);
            }
        }
        json.add(METADATA, metadata);
        if (!types.isEmpty()) {
            json.add(TYPES, types);
        }
        return Payload.json(json.toString());
    }

    /** The recorded type of a metadata value; null for a string. */
    private static String typeOf(Object value) {
        if (value instanceof UUID) {
            return "uuid";
        } else if (value instanceof Integer) {
            return "integer";
        } else if (value instanceof Long) {
            return "long";
        } else if (value instanceof Float) {
            return "float";
        } else if (value instanceof Double) {
            return "double";
        }
        return null;
    }

    /**
     * The segment a payload holds.
     *
     * @param id the item's id, for messages
     * @param payload the item's payload; null when it has none
     * @return the segment, or null for an item without payload
     * @throws IllegalStateException when the payload is not a segment's JSON
     */
    static TextSegment toSegment(String id, Payload payload) {
        if (payload == null) {
            return null;
        }
        if (!payload.isJson()) {
            throw notASegment(id, "a bytes payload");
        }
        JsonElement parsed = JsonParser.parseString(payload.json());
        if (!parsed.isJsonObject() || !parsed.getAsJsonObject().has(TEXT)
                || !isString(parsed.getAsJsonObject().get(TEXT))) {
            throw notASegment(id, "JSON without a \"text\" string");
        }
        JsonObject json = parsed.getAsJsonObject();
        Map<String, Object> values = new LinkedHashMap<>();
        if (json.has(METADATA)) {
            if (!json.get(METADATA).isJsonObject()) {
                throw notASegment(id, "\"metadata\" that is not a JSON object");
            }
            JsonObject types = json.has(TYPES) && json.get(TYPES).isJsonObject() ? json.getAsJsonObject(TYPES)
                    : new JsonObject();
            for (Map.Entry<String, JsonElement> e : json.getAsJsonObject(METADATA).entrySet()) {
                String type = types.has(e.getKey()) ? types.get(e.getKey()).getAsString() : null;
                values.put(e.getKey(), value(id, e.getKey(), e.getValue(), type));
            }
        }
        return TextSegment.from(json.get(TEXT).getAsString(), new Metadata(values));
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /**
     * One metadata value with its recorded type; untyped (a payload written by another tool): a string stays a
     * string, an integral number is an {@code Integer} when it fits, else a {@code Long}, any other number a
     * {@code Double}.
     */
    private static Object value(String id, String key, JsonElement element, String type) {
        if (!element.isJsonPrimitive() || element.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalStateException("item '" + id + "' has metadata '" + key + "' = " + element
                    + ": LangChain4j metadata values are strings, UUIDs and numbers only");
        }
        JsonPrimitive p = element.getAsJsonPrimitive();
        if (type == null) {
            if (p.isString()) {
                return p.getAsString();
            }
            String text = p.getAsString();
            if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
                try {
                    long whole = new BigDecimal(text).longValueExact();
                    if (whole == (int) whole) {
                        return (int) whole;
                    }
                    return whole;
                } catch (ArithmeticException beyondLong) {
                    return p.getAsDouble();
                }
            }
            return p.getAsDouble();
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "uuid" -> UUID.fromString(p.getAsString());
            case "integer" -> p.getAsInt();
            case "long" -> p.getAsLong();
            case "float" -> p.getAsFloat();
            case "double" -> p.getAsDouble();
            default -> throw new IllegalStateException("item '" + id + "' records metadata '" + key
                    + "' of unknown type '" + type + "': expected uuid, integer, long, float or double");
        };
    }

    private static IllegalStateException notASegment(String id, String what) {
        return new IllegalStateException("item '" + id + "' carries " + what + ", not a text segment: this store "
                + "reads payloads {\"text\": ..., \"metadata\": {...}} as QuaterionEmbeddingStore writes them");
    }
}
