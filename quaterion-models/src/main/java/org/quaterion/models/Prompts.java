package org.quaterion.models;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.quaterion.models.io.CorruptArtifactException;

/**
 * Text prefixes per input role (sentence-transformers' {@code prompts}): an e5 model expects {@code "query: "} before
 * a query and {@code "passage: "} before a passage, a bge model an instruction before queries only. A model trained
 * with prompts is saved with them, so {@link SimilarityModel#encodeQueries} and
 * {@link SimilarityModel#encodeDocuments} apply at serving time the prefix the model trained with.
 *
 * <p>The optional default role is what plain {@link SimilarityModel#encode} applies (sentence-transformers'
 * {@code default_prompt_name}); without one, plain {@code encode} adds nothing. Prompts prefix text: a role with a
 * non-empty prefix takes {@code String} records only. Immutable; {@link #NONE} has no prefix and no default role.
 */
public final class Prompts {

    /** An input role: which prefix a record gets. */
    public enum Role {
        /** What is searched with: a question, a search query, an anchor. */
        QUERY,
        /** What is searched in: a passage, a corpus entry, a positive or negative candidate. */
        DOCUMENT;

        /**
         * The role's name in saved configs and on the command line.
         *
         * @return {@code "query"} or {@code "document"}
         */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses {@link #key()}.
         *
         * @param key {@code "query"} or {@code "document"} (any case)
         * @return the role
         * @throws IllegalArgumentException for any other name
         */
        public static Role of(String key) {
            for (Role r : values()) {
                if (r.key().equalsIgnoreCase(String.valueOf(key).trim())) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown prompt role '" + key + "': use query or document");
        }
    }

    /** No prefix and no default role: every record is encoded as it is. */
    public static final Prompts NONE = new Prompts("", "", null);

    /** The members of the saved JSON form. */
    private static final Set<String> JSON_MEMBERS = Set.of("query", "document", "default_role");

    private final String query;
    private final String document;
    private final Role defaultRole;

    private Prompts(String query, String document, Role defaultRole) {
        this.query = Objects.requireNonNull(query, "the query prefix (use \"\" for none)");
        this.document = Objects.requireNonNull(document, "the document prefix (use \"\" for none)");
        this.defaultRole = defaultRole;
    }

    /**
     * Prompts with a prefix per role and no default role.
     *
     * @param query the prefix of queries, e.g. {@code "query: "}; {@code ""} for none
     * @param document the prefix of documents, e.g. {@code "passage: "}; {@code ""} for none
     * @return the prompts
     */
    public static Prompts of(String query, String document) {
        return new Prompts(query, document, null);
    }

    /**
     * The same prefixes with the role plain {@link SimilarityModel#encode} applies (and group training data gets).
     *
     * @param role the default role, or null for none (plain {@code encode} adds nothing)
     * @return the new prompts
     */
    public Prompts withDefaultRole(Role role) {
        return new Prompts(query, document, role);
    }

    /**
     * A role's prefix.
     *
     * @param role the role
     * @return the prefix; {@code ""} for none
     */
    public String prefix(Role role) {
        return Objects.requireNonNull(role, "role") == Role.QUERY ? query : document;
    }

    /**
     * The role plain {@link SimilarityModel#encode} applies.
     *
     * @return the role, or empty when plain {@code encode} adds nothing
     */
    public Optional<Role> defaultRole() {
        return Optional.ofNullable(defaultRole);
    }

    /**
     * Whether these are {@link #NONE}: no prefix and no default role.
     *
     * @return true for no prompts
     */
    public boolean isEmpty() {
        return query.isEmpty() && document.isEmpty() && defaultRole == null;
    }

    /**
     * Whether some role has a non-empty prefix (only {@code String} records can take one).
     *
     * @return true when a prefix is set
     */
    public boolean hasPrefix() {
        return !query.isEmpty() || !document.isEmpty();
    }

    /**
     * A text with a role's prefix.
     *
     * @param role the role
     * @param text the text
     * @return {@code prefix(role) + text}
     */
    public String apply(Role role, String text) {
        return prefix(role) + Objects.requireNonNull(text, "text");
    }

    /**
     * Records with a role's prefix: the same list when the role has none (any record type), else a new list of the
     * prefixed texts.
     *
     * @param role the role, or null for no prefix
     * @param records the records
     * @param <T> the record type ({@code String} when the role has a prefix)
     * @return the records to encode
     * @throws IllegalArgumentException when the role has a prefix and a record is not a {@code String}
     */
    @SuppressWarnings("unchecked")
    public <T> List<T> apply(Role role, List<T> records) {
        if (role == null || prefix(role).isEmpty()) {
            return records;
        }
        List<T> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            T record = records.get(i);
            if (!(record instanceof String text)) {
                throw new IllegalArgumentException("the " + role.key() + " prompt '" + prefix(role) + "' prefixes "
                        + "text, but record " + i + " is " + (record == null ? "null" : "a "
                        + record.getClass().getTypeName()) + ": prompts apply to String records only; use a model "
                        + "without prompts (Prompts.NONE) for other records");
            }
            out.add((T) (prefix(role) + text));
        }
        return out;
    }

    /**
     * The saved form: {@code {"query": …, "document": …}} and {@code "default_role"} when set.
     *
     * @return a new object
     */
    JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("query", query);
        json.addProperty("document", document);
        if (defaultRole != null) {
            json.addProperty("default_role", defaultRole.key());
        }
        return json;
    }

    /**
     * Reads {@link #toJson()} strictly: string prefixes, a known default role, no other member.
     *
     * @param json the saved form
     * @param file the file it was read from, for messages
     * @return the prompts
     * @throws CorruptArtifactException when the object is malformed
     */
    static Prompts fromJson(JsonElement json, Path file) {
        if (json == null || !json.isJsonObject()) {
            throw new CorruptArtifactException(file, "has 'prompts' that are not an object: the file is damaged or "
                    + "was edited; save the model again");
        }
        JsonObject o = json.getAsJsonObject();
        for (String member : o.keySet()) {
            if (!JSON_MEMBERS.contains(member)) {
                throw new CorruptArtifactException(file, "has an unknown member '" + member + "' in 'prompts' (known: "
                        + "query, document, default_role); save the model again");
            }
        }
        String q = string(o, "query", file);
        String d = string(o, "document", file);
        Role role = null;
        if (o.has("default_role")) {
            try {
                role = Role.of(string(o, "default_role", file));
            } catch (IllegalArgumentException e) {
                throw new CorruptArtifactException(file, "has an invalid prompts.default_role: " + e.getMessage());
            }
        }
        return new Prompts(q, d, role);
    }

    private static String string(JsonObject o, String member, Path file) {
        JsonElement e = o.get(member);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new CorruptArtifactException(file, "needs a string prompts." + member + ", found " + e + "; save the "
                    + "model again");
        }
        return e.getAsString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prompts p && p.query.equals(query) && p.document.equals(document)
                && p.defaultRole == defaultRole;
    }

    @Override
    public int hashCode() {
        return Objects.hash(query, document, defaultRole);
    }

    @Override
    public String toString() {
        return "Prompts{query='" + query + "', document='" + document + "'"
                + (defaultRole == null ? "" : ", default=" + defaultRole.key()) + "}";
    }
}
