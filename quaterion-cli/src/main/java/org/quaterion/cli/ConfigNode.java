package org.quaterion.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A strict view of one YAML mapping: every key read is remembered, and {@link #finish} rejects the keys nobody read,
 * listing the valid ones. Values are checked for type, with messages that name the full path
 * ({@code trainer.epochs}).
 */
final class ConfigNode {

    private final Map<String, Object> values;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    private ConfigNode(Map<String, Object> values, String path) {
        this.values = values;
        this.path = path;
    }

    @SuppressWarnings("unchecked")
    static ConfigNode of(Object yaml, String path) {
        if (!(yaml instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException((path.isEmpty() ? "the config" : path) + " must be a mapping "
                    + "(key: value lines), got " + (yaml == null ? "nothing" : yaml.getClass().getSimpleName()));
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                throw new IllegalArgumentException("key " + key + (path.isEmpty() ? "" : " under " + path) + " is not "
                        + "a name: config keys are words such as 'epochs' (see docs/cli.md)");
            }
        }
        return new ConfigNode((Map<String, Object>) map, path);
    }

    private String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        known.add(key);
        return values.get(key) != null;
    }

    ConfigNode node(String key) {
        known.add(key);
        return of(require(key), where(key));
    }

    Object raw(String key) {
        known.add(key);
        return values.get(key);
    }

    private Object require(String key) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + where(key));
        }
        return v;
    }

    String string(String key) {
        Object v = require(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(where(key) + " must be a non-empty string, got " + v);
        }
        return s;
    }

    String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    String choice(String key, String fallback, List<String> allowed) {
        String v = string(key, fallback);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(where(key) + " is '" + v + "'; valid values: " + allowed);
        }
        return v;
    }

    int integer(String key, int fallback, int min) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (!(v instanceof Integer i) || i < min) {
            throw new IllegalArgumentException(where(key) + " must be an integer >= " + min + ", got " + v);
        }
        return i;
    }

    double number(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException(where(key) + " must be a number, got " + v);
        }
        return n.doubleValue();
    }

    boolean flag(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException(where(key) + " must be true or false, got " + v);
        }
        return b;
    }

    /**
     * Every key not read yet, as JSON (numbers, strings, booleans, nested mappings), marked as read: settings that
     * a registry checks by name.
     *
     * @return the remaining keys and values
     */
    com.google.gson.JsonObject rest() {
        com.google.gson.JsonObject json = new com.google.gson.JsonObject();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (known.add(e.getKey())) {
                json.add(e.getKey(), new com.google.gson.Gson().toJsonTree(e.getValue()));
            }
        }
        return json;
    }

    /** Rejects keys that were never read. */
    void finish() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + unknown.stream().map(this::where).toList() + "; valid keys " + (path.isEmpty() ? "" : "of "
                    + path + " ") + "are " + known);
        }
    }
}
