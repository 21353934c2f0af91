package org.quaterion.models.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes the JSON files of a saved model, turning every failure into a message that names the file. */
public final class JsonFiles {

    /** The largest JSON file read (16 MiB): configs are kilobytes; a huge one is not ours and could fill the heap. */
    public static final long MAX_BYTES = 16L << 20;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private JsonFiles() {}

    /**
     * Writes a JSON object, pretty-printed, UTF-8.
     *
     * @param file the file to write
     * @param json the content
     * @throws IOException when writing fails
     */
    public static void write(Path file, JsonElement json) throws IOException {
        Files.writeString(file, GSON.toJson(json) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Reads a JSON object.
     *
     * @param file the file to read
     * @return the object
     * @throws ModelFormatException when the file is missing, unreadable, a symbolic link, not a regular file (a pipe
     *     would block the read), over {@link #MAX_BYTES}, not JSON or not an object
     */
    public static JsonObject read(Path file) {
        JsonElement element = readElement(file);
        if (!element.isJsonObject()) {
            throw new CorruptArtifactException(file, "is not a JSON object: the file is empty, truncated or corrupt");
        }
        return element.getAsJsonObject();
    }

    /**
     * Reads any JSON value (an array, say), with {@link #read}'s checks.
     *
     * @param file the file to read
     * @return the value
     * @throws ModelFormatException when the file is missing, unreadable, not a regular file, too large or not JSON
     */
    public static JsonElement readElement(Path file) {
        String text;
        try {
            if (Files.isSymbolicLink(file)) {
                throw new ModelFormatException(file, "is a symbolic link; a saved model's JSON files are its own");
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(file.toString());
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                // a pipe or device would block the read or never end: only regular files are opened
                throw new ModelFormatException(file, "is not a regular file (a directory, pipe or device); a saved "
                        + "model's JSON files are regular files");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ModelFormatException(file, "is " + Files.size(file) + " bytes, more than the " + MAX_BYTES
                        + " a Quaterion JSON file may have; it is not a file this library wrote");
            }
            text = readAtMost(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file, "is missing: the directory is not a saved model or was not fully written");
        } catch (CharacterCodingException e) {
            throw new CorruptArtifactException(file, "is not UTF-8 text: the file is damaged or not JSON", e);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        try {
            JsonElement element = GSON.fromJson(text, JsonElement.class);
            if (element == null) {
                throw new CorruptArtifactException(file, "is empty: the file is truncated or corrupt");
            }
            return element;
        } catch (JsonParseException | IllegalStateException e) {
            // IllegalStateException: JSON nested deeper than the reader's limit
            throw new CorruptArtifactException(file, "is not valid JSON (truncated or corrupt): " + e.getMessage(), e);
        }
    }

    /** Reads the file as strict UTF-8, failing if it has grown past {@link #MAX_BYTES} since its size was checked. */
    private static String readAtMost(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ModelFormatException(file, "grew past " + MAX_BYTES + " bytes while it was read; it is not "
                        + "a file this library wrote");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString(); // strict UTF-8
        }
    }

    /**
     * Returns a required integer member of a config object.
     *
     * @param config the object
     * @param key the member name
     * @param where the file or component, for the message
     * @return the value
     */
    public static int requireInt(JsonObject config, String key, String where) {
        JsonElement e = config.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException(where + ": config needs an integer '" + key + "', got " + e);
        }
        return asInt(e, key, where);
    }

    /**
     * Returns an optional integer member of a config object.
     *
     * @param config the object
     * @param key the member name
     * @param fallback the value when absent or null
     * @param where the file or component, for the message
     * @return the value
     * @throws IllegalArgumentException when the member is not a whole number in int range
     */
    public static int optInt(JsonObject config, String key, int fallback, String where) {
        JsonElement e = config.get(key);
        return e == null || e.isJsonNull() ? fallback : asInt(e, key, where);
    }

    /**
     * Reads a JSON number that must be a whole number in int range; {@code 4.0} is accepted (Python writes some
     * integers so), {@code 4.5} and {@code 1e10} are refused instead of being truncated or wrapped.
     *
     * @param e the element
     * @param key the member name, for the message
     * @param where the file or component, for the message
     * @return the value
     * @throws IllegalArgumentException when it is not such a number
     */
    public static int asInt(JsonElement e, String key, String where) {
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return e.getAsBigDecimal().intValueExact();
            } catch (ArithmeticException | NumberFormatException notAnInt) {
                // reported below
            }
        }
        throw new IllegalArgumentException(where + ": config needs an integer '" + key + "' (a whole number from "
                + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + "), got " + e);
    }

    /**
     * Returns a required string member of a config object.
     *
     * @param config the object
     * @param key the member name
     * @param where the file or component, for the message
     * @return the value
     */
    public static String requireString(JsonObject config, String key, String where) {
        JsonElement e = config.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(where + ": config needs a string '" + key + "', got " + e);
        }
        return e.getAsString();
    }

    /**
     * Returns an optional number member of a config object.
     *
     * @param config the object
     * @param key the member name
     * @param fallback the value when absent
     * @return the value
     * @throws IllegalArgumentException when the member is not a number
     */
    public static double optDouble(JsonObject config, String key, double fallback) {
        JsonElement e = config.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("config needs a number '" + key + "', got " + e);
        }
        return e.getAsDouble();
    }
}
