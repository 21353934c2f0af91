package org.quaterion.models.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * Required members of an artifact's JSON file (an index or cache manifest), read strictly: a missing member, a member
 * of the wrong type, a fraction where an integer belongs or a value out of range is a {@link CorruptArtifactException}
 * naming the file and the member, never a raw Gson, number-format or null-pointer exception.
 */
public final class JsonFields {

    private JsonFields() {}

    /**
     * An integer member within bounds.
     *
     * @param o the object
     * @param key the member
     * @param min the smallest valid value
     * @param max the largest valid value
     * @param file the file the object was read from
     * @return the value
     * @throws CorruptArtifactException when the member is missing, not an integer or out of range
     */
    public static long integer(JsonObject o, String key, long min, long max, Path file) {
        JsonElement e = o.get(key);
        // a long literal is no valid value and would cost quadratic time to convert
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsString().length() <= 40) {
            try {
                long value = new BigDecimal(e.getAsString()).longValueExact();
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (ArithmeticException | NumberFormatException notAnInteger) {
                // reported below with the value found
            }
        }
        throw damaged(file, "needs an integer '" + key + "' in [" + min + ", " + max + "], found " + shorten(e));
    }

    /**
     * A string member.
     *
     * @param o the object
     * @param key the member
     * @param file the file the object was read from
     * @return the value
     * @throws CorruptArtifactException when the member is missing or not a string
     */
    public static String string(JsonObject o, String key, Path file) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw damaged(file, "needs a string '" + key + "', found " + shorten(e));
    }

    /**
     * A SHA-256 member: 64 lower-case hexadecimal digits.
     *
     * @param o the object
     * @param key the member
     * @param file the file the object was read from
     * @return the digest
     * @throws CorruptArtifactException when the member is missing or not such a digest
     */
    public static String sha256(JsonObject o, String key, Path file) {
        String value = string(o, key, file);
        if (value.length() != 64 || !value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw damaged(file, "needs a SHA-256 (64 hexadecimal digits) '" + key + "', found " + shorten(o.get(key)));
        }
        return value;
    }

    /**
     * An object member.
     *
     * @param o the object
     * @param key the member
     * @param file the file the object was read from
     * @return the member
     * @throws CorruptArtifactException when the member is missing or not an object
     */
    public static JsonObject object(JsonObject o, String key, Path file) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonObject()) {
            return e.getAsJsonObject();
        }
        throw damaged(file, "needs an object '" + key + "', found " + shorten(e));
    }

    /**
     * An array member.
     *
     * @param o the object
     * @param key the member
     * @param file the file the object was read from
     * @return the member
     * @throws CorruptArtifactException when the member is missing or not an array
     */
    public static JsonArray array(JsonObject o, String key, Path file) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonArray()) {
            return e.getAsJsonArray();
        }
        throw damaged(file, "needs an array '" + key + "', found " + shorten(e));
    }

    private static CorruptArtifactException damaged(Path file, String problem) {
        return new CorruptArtifactException(file, problem + ": the file is damaged or was not written by this library");
    }

    /** The value for a message, cut to 80 characters (a damaged file may hold anything). */
    private static String shorten(JsonElement e) {
        if (e == null) {
            return "nothing";
        }
        String text = e.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
