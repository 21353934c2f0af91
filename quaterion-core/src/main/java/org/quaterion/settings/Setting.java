package org.quaterion.settings;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.quaterion.distance.Distance;

/**
 * One declared setting of a component: its config key, value type, default, valid range and description. The
 * declaration is the only place these are written; builders, {@code config()}, the registry's JSON/YAML reading and
 * the docs table all derive from it.
 *
 * <pre>{@code
 * static final Setting<Double> MARGIN = Setting.real("margin", 0.5, v -> v >= 0, "margin >= 0", "the margin m");
 * }</pre>
 *
 * @param <T> the value type
 */
public final class Setting<T> {

    /** Marks a setting without a default: it must be given. */
    private static final Object REQUIRED = new Object();

    private final String key;
    private final Class<T> valueType;
    private final String typeName;
    private final Object defaultValue;
    private final Predicate<T> check;
    private final String rule;
    private final String doc;
    private final Function<JsonElement, T> reader;
    private final Function<T, JsonElement> writer;

    private Setting(String key, Class<T> valueType, String typeName, Object defaultValue, Predicate<T> check,
            String rule, String doc, Function<JsonElement, T> reader, Function<T, JsonElement> writer) {
        this.key = Objects.requireNonNull(key);
        this.valueType = valueType;
        this.typeName = typeName;
        this.defaultValue = defaultValue;
        this.check = check;
        this.rule = rule;
        this.doc = doc;
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * A finite real number checked by a rule.
     *
     * @param key the config key
     * @param defaultValue the default
     * @param check the valid values (finiteness is always required)
     * @param rule the rule in words, for messages and docs (e.g. {@code "margin >= 0"})
     * @param doc what the setting means
     * @return the setting
     */
    public static Setting<Double> real(String key, double defaultValue, Predicate<Double> check, String rule,
            String doc) {
        return new Setting<>(key, Double.class, "number", defaultValue, v -> Double.isFinite(v) && check.test(v), rule,
                doc, Setting::readReal, JsonPrimitive::new);
    }

    /**
     * A finite real number checked by a rule, without a default: it must be given (a builder's {@code setX}).
     *
     * @param key the config key
     * @param check the valid values (finiteness is always required)
     * @param rule the rule in words
     * @param doc what the setting means
     * @return the setting
     */
    public static Setting<Double> requiredReal(String key, Predicate<Double> check, String rule, String doc) {
        return new Setting<>(key, Double.class, "number", REQUIRED, v -> Double.isFinite(v) && check.test(v), rule,
                doc, Setting::readReal, JsonPrimitive::new);
    }

    /**
     * Any finite real number.
     *
     * @param key the config key
     * @param defaultValue the default
     * @param doc what the setting means
     * @return the setting
     */
    public static Setting<Double> real(String key, double defaultValue, String doc) {
        return real(key, defaultValue, v -> true, "a finite " + key, doc);
    }

    /**
     * An optional real number: null (the default) means "none".
     *
     * @param key the config key
     * @param doc what the setting means, null included
     * @return the setting
     */
    public static Setting<Double> optionalReal(String key, String doc) {
        return new Setting<>(key, Double.class, "number or null", null, v -> v == null || Double.isFinite(v),
                "a finite " + key + " or null", doc, e -> e.isJsonNull() ? null : readReal(e),
                v -> v == null ? JsonNull.INSTANCE : new JsonPrimitive(v));
    }

    /**
     * An optional real number checked by a rule: null (the default) means "none".
     *
     * @param key the config key
     * @param check the valid values when one is given (finiteness is always required)
     * @param rule the rule in words, for messages and docs
     * @param doc what the setting means, null included
     * @return the setting
     */
    public static Setting<Double> optionalReal(String key, Predicate<Double> check, String rule, String doc) {
        return new Setting<>(key, Double.class, "number or null", null, v -> v == null || Double.isFinite(v)
                && check.test(v), rule + " or null", doc, e -> e.isJsonNull() ? null : readReal(e),
                v -> v == null ? JsonNull.INSTANCE : new JsonPrimitive(v));
    }

    /**
     * An optional whole number checked by a rule: null (the default) means "none".
     *
     * @param key the config key
     * @param check the valid values when one is given
     * @param rule the rule in words, for messages and docs
     * @param doc what the setting means, null included
     * @return the setting
     */
    public static Setting<Integer> optionalInteger(String key, Predicate<Integer> check, String rule, String doc) {
        return new Setting<>(key, Integer.class, "integer or null", null, v -> v == null || check.test(v),
                rule + " or null", doc, e -> e.isJsonNull() ? null : readInteger(e),
                v -> v == null ? JsonNull.INSTANCE : new JsonPrimitive(v));
    }

    /**
     * A whole number checked by a rule; without a default (null) it must be given.
     *
     * @param key the config key
     * @param defaultValue the default, or null for a required setting
     * @param check the valid values
     * @param rule the rule in words
     * @param doc what the setting means
     * @return the setting
     */
    public static Setting<Integer> integer(String key, Integer defaultValue, Predicate<Integer> check, String rule,
            String doc) {
        return new Setting<>(key, Integer.class, "integer", defaultValue == null ? REQUIRED : defaultValue, check,
                rule, doc, Setting::readInteger, JsonPrimitive::new);
    }

    /**
     * A boolean.
     *
     * @param key the config key
     * @param defaultValue the default
     * @param doc what the setting means
     * @return the setting
     */
    public static Setting<Boolean> flag(String key, boolean defaultValue, String doc) {
        return new Setting<>(key, Boolean.class, "boolean", defaultValue, v -> true, key + " true or false", doc,
                e -> {
                    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                        throw new IllegalArgumentException("must be true or false, got " + e);
                    }
                    return e.getAsBoolean();
                }, JsonPrimitive::new);
    }

    /**
     * One constant of an enum, written in lower case; reading ignores case and underscores ({@code "semihard"} is
     * {@code SEMI_HARD}).
     *
     * @param key the config key
     * @param defaultValue the default
     * @param doc what the setting means
     * @param <E> the enum
     * @return the setting
     */
    public static <E extends Enum<E>> Setting<E> choice(String key, E defaultValue, String doc) {
        Class<E> type = defaultValue.getDeclaringClass();
        return new Setting<>(key, type, "one of " + names(type), defaultValue, v -> true, key + " one of "
                + names(type), doc, e -> readChoice(type, e), v -> new JsonPrimitive(v.name().toLowerCase(Locale.ROOT)));
    }

    /**
     * A distance, written as its {@link Distance#config()}; read from that config or from a bare name
     * ({@code "cosine"}: unnormalised, unscaled).
     *
     * @param defaultValue the component's reference distance
     * @return the setting, key {@code distance}
     */
    public static Setting<Distance> distance(Distance defaultValue) {
        return new Setting<>("distance", Distance.class, "distance", defaultValue, Objects::nonNull, "a distance",
                "distance between embeddings (a name or {name, normalize, scale})", DistanceJson::read,
                Distance::config);
    }

    /**
     * A setting of any type with its own JSON form (a nested component such as a reducer).
     *
     * @param key the config key
     * @param valueType the value class
     * @param typeName the type in words, for messages and docs
     * @param defaultValue the default
     * @param reader JSON to value; throws {@link IllegalArgumentException} with the reason
     * @param writer value to JSON
     * @param doc what the setting means
     * @param <T> the value type
     * @return the setting
     */
    public static <T> Setting<T> of(String key, Class<T> valueType, String typeName, T defaultValue,
            Function<JsonElement, T> reader, Function<T, JsonElement> writer, String doc) {
        return new Setting<>(key, valueType, typeName, defaultValue, Objects::nonNull, "a " + typeName, doc, reader,
                writer);
    }

    /**
     * A setting of any type with its own JSON form and no default: it must be given (a nested component such as the
     * losses of a composite loss).
     *
     * @param key the config key
     * @param valueType the value class
     * @param typeName the type in words, for messages and docs
     * @param reader JSON to value; throws {@link IllegalArgumentException} with the reason
     * @param writer value to JSON
     * @param doc what the setting means
     * @param <T> the value type
     * @return the setting
     */
    public static <T> Setting<T> required(String key, Class<T> valueType, String typeName,
            Function<JsonElement, T> reader, Function<T, JsonElement> writer, String doc) {
        return new Setting<>(key, valueType, typeName, REQUIRED, Objects::nonNull, "a " + typeName, doc, reader,
                writer);
    }

    /**
     * The config key.
     *
     * @return e.g. {@code "margin"}
     */
    public String key() {
        return key;
    }

    /**
     * The value class.
     *
     * @return the class
     */
    public Class<T> valueType() {
        return valueType;
    }

    /**
     * The type in words: {@code number}, {@code integer}, {@code boolean}, {@code one of [...]}, …
     *
     * @return the type name
     */
    public String typeName() {
        return typeName;
    }

    /**
     * Whether the setting has no default and must be given.
     *
     * @return true when required
     */
    public boolean required() {
        return defaultValue == REQUIRED;
    }

    /**
     * The default value.
     *
     * @return the default (null for an optional setting whose default is "none")
     * @throws IllegalStateException for a required setting
     */
    public T defaultValue() {
        if (required()) {
            throw new IllegalStateException(key + " has no default");
        }
        return valueType.cast(defaultValue);
    }

    /**
     * The valid values in words.
     *
     * @return the rule
     */
    public String rule() {
        return rule;
    }

    /**
     * What the setting means.
     *
     * @return the description
     */
    public String doc() {
        return doc;
    }

    /**
     * Whether a value is valid.
     *
     * @param value the value
     * @return true when the check passes
     */
    boolean accepts(T value) {
        return check.test(value);
    }

    /**
     * The value of a JSON element.
     *
     * @param json the element
     * @return the value
     * @throws IllegalArgumentException when the element has the wrong type
     */
    public T read(JsonElement json) {
        return reader.apply(json);
    }

    /**
     * The JSON form of a value.
     *
     * @param value the value
     * @return the element
     */
    public JsonElement write(T value) {
        return writer.apply(value);
    }

    /**
     * The default in its JSON form, for docs.
     *
     * @return the JSON text, or {@code "required"}
     */
    public String defaultText() {
        return required() ? "required" : write(defaultValue()).toString();
    }

    /**
     * The builder method that sets this setting, for messages: {@code optMargin}, or {@code setNumClasses} for a
     * required one.
     *
     * @return the method name
     */
    public String setterName() {
        StringBuilder out = new StringBuilder(required() ? "set" : "opt");
        for (String part : key.split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return key;
    }

    private static double readReal(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException("must be a number, got " + e);
        }
        return e.getAsDouble();
    }

    private static int readInteger(JsonElement e) {
        double v = readReal(e);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("must be a whole number, got " + e);
        }
        return (int) v;
    }

    private static <E extends Enum<E>> E readChoice(Class<E> type, JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            String wanted = e.getAsString().strip().replace("_", "").toUpperCase(Locale.ROOT);
            for (E c : type.getEnumConstants()) {
                if (c.name().replace("_", "").equals(wanted)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("must be one of " + names(type) + ", got " + e);
    }

    private static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()
                .toString();
    }
}
