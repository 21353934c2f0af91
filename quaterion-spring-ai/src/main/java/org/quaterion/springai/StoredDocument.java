package org.quaterion.springai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.search.Payload;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;

/**
 * A document's text and metadata as the JSON payload {@code {"text": …, "metadata": {…}}} kept beside its vector
 * (the id is the index's id). Metadata values are JSON data: strings, numbers, booleans, and lists and maps of them;
 * numbers come back as Integer, Long or Double (Jackson's reading of the JSON number).
 *
 * @param text the document's text
 * @param metadata its metadata
 */
record StoredDocument(String text, Map<String, Object> metadata) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    /** The payload of a text document, refusing metadata that is not JSON data. */
    static String toJson(Document document) {
        for (Map.Entry<String, Object> entry : document.getMetadata().entrySet()) {
            checkJsonData(document.getId(), entry.getKey(), entry.getValue());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("text", document.getText());
        json.put("metadata", document.getMetadata());
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document " + document.getId() + ": metadata cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Reads the payload this store wrote for an id; anything else is refused with the id. */
    static StoredDocument fromPayload(String id, Payload payload) {
        if (payload == null || !payload.isJson()) {
            throw new IllegalStateException("item " + id + " has no JSON payload: the index was not written by"
                    + " QuaterionVectorStore (which stores each document's text and metadata)");
        }
        Map<String, Object> json;
        try {
            json = JSON.readValue(payload.json(), MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("item " + id + " has an unreadable payload: " + e.getOriginalMessage(), e);
        }
        if (!(json.get("text") instanceof String text) || !(json.get("metadata") instanceof Map<?, ?> metadata)) {
            throw new IllegalStateException("item " + id + " has a payload without \"text\" and \"metadata\": the"
                    + " index was not written by QuaterionVectorStore");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) metadata;
        return new StoredDocument(text, values);
    }

    /** The Spring AI document of a hit: id, text, metadata plus {@code distance} (1 − score), and the score. */
    Document toDocument(String id, double score) {
        Map<String, Object> withDistance = new LinkedHashMap<>(metadata);
        withDistance.put(DocumentMetadata.DISTANCE.value(), 1 - score);
        return Document.builder().id(id).text(text).metadata(withDistance).score(score).build();
    }

    private static void checkJsonData(String id, String key, Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return;
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("document " + id + ": metadata '" + key + "' is " + value
                        + ", which JSON cannot hold");
            }
            return;
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                checkJsonData(id, key, element);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String)) {
                    throw new IllegalArgumentException("document " + id + ": metadata '" + key
                            + "' is a map with a non-string key " + entry.getKey());
                }
                checkJsonData(id, key + "." + entry.getKey(), entry.getValue());
            }
            return;
        }
        throw new IllegalArgumentException("document " + id + ": metadata '" + key + "' is a "
                + (value == null ? "null" : value.getClass().getName())
                + "; store strings, numbers, booleans, or lists and maps of them");
    }
}
