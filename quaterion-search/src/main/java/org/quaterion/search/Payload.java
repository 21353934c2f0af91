package org.quaterion.search;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What an index returns with an id besides its distance: a JSON document (the item's title, URL, metadata) or opaque
 * bytes. Immutable; two payloads are equal when they are of the same kind and hold the same bytes.
 */
public final class Payload {

    /** The largest payload, in bytes: a payload describes an item; the item itself belongs in a store. */
    public static final int MAX_BYTES = 16 << 20;

    private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);

    private final boolean json;
    private final byte[] data;

    private Payload(boolean json, byte[] data) {
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException("a payload of " + data.length + " bytes is larger than the " + MAX_BYTES
                    + " an index keeps per item: store the record elsewhere and put its key in the payload");
        }
        this.json = json;
        this.data = data;
    }

    /**
     * A JSON payload, checked strictly (one complete JSON value, no comments or unquoted names) and kept as given.
     *
     * @param json the JSON text
     * @return the payload
     * @throws IllegalArgumentException when the text is not one valid JSON value
     */
    public static Payload json(String json) {
        if (json == null) {
            throw new IllegalArgumentException("the JSON payload is null: pass no payload instead");
        }
        checkJson(json);
        return new Payload(true, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An opaque payload (a copy of the bytes is kept).
     *
     * @param bytes the bytes
     * @return the payload
     */
    public static Payload bytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("the payload bytes are null: pass no payload instead");
        }
        return new Payload(false, bytes.clone());
    }

    /** Rebuilds a payload read back from an index file (already checked when it was written, verified by checksum). */
    static Payload stored(boolean json, byte[] data) {
        return new Payload(json, data);
    }

    /**
     * Whether this is a JSON payload.
     *
     * @return true for JSON, false for bytes
     */
    public boolean isJson() {
        return json;
    }

    /**
     * The JSON text.
     *
     * @return the text as given
     * @throws IllegalStateException for a bytes payload
     */
    public String json() {
        if (!json) {
            throw new IllegalStateException("this payload holds bytes, not JSON: read it with bytes()");
        }
        return new String(data, StandardCharsets.UTF_8);
    }

    /**
     * The bytes (UTF-8 text of a JSON payload).
     *
     * @return a copy
     */
    public byte[] bytes() {
        return data.clone();
    }

    /**
     * Its size.
     *
     * @return bytes
     */
    public int size() {
        return data.length;
    }

    /** The bytes without a copy, for writing. */
    byte[] raw() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p && p.json == json && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + (json ? 1 : 0);
    }

    @Override
    public String toString() {
        return json ? "Payload" + json() : "Payload[" + data.length + " bytes]";
    }

    private static void checkJson(String text) {
        boolean single;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JSON.read(reader);
            single = reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the payload is not valid JSON (" + e.getMessage() + "): pass a JSON "
                    + "text, or Payload.bytes for other content", e);
        }
        if (!single) {
            throw new IllegalArgumentException("the JSON payload holds more than one value: wrap them in an object "
                    + "or an array");
        }
    }
}
