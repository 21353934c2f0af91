package org.quaterion.dataset;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Datasets from in-memory lists, JSON Lines files and classification data. */
public final class Datasets {

    private Datasets() {}

    /**
     * Group samples from a classification dataset (Quaterion's {@code SimilarityGroupDataset}): object i gets
     * group {@code labels[i]}.
     *
     * @param objects the records
     * @param labels one class per record
     * @param <T> record type
     * @return the samples
     */
    public static <T> List<SimilarityGroupSample<T>> fromClassification(List<T> objects, long[] labels) {
        if (objects.size() != labels.length) {
            throw new IllegalArgumentException("got " + objects.size() + " objects and " + labels.length
                    + " labels; give one label per object");
        }
        List<SimilarityGroupSample<T>> out = new ArrayList<>(objects.size());
        for (int i = 0; i < labels.length; i++) {
            out.add(new SimilarityGroupSample<>(objects.get(i), labels[i]));
        }
        return out;
    }

    /**
     * Reads a JSON Lines file: one JSON object per non-blank line, turned into a sample by {@code parse}. Every
     * problem is an {@link IllegalArgumentException} whose message names the file and the line: text that is not
     * UTF-8, a line that is not valid JSON or not an object, and whatever {@code parse} refuses.
     *
     * @param file the file
     * @param parse object → sample; may throw {@link IllegalArgumentException} for a bad line
     * @param <S> sample type
     * @return the samples in file order
     * @throws IOException when reading fails
     */
    public static <S> List<S> readJsonl(Path file, Function<JsonObject, S> parse) throws IOException {
        List<S> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            while (true) {
                String line;
                try {
                    line = reader.readLine();
                } catch (CharacterCodingException e) {
                    throw new IllegalArgumentException(file + " line " + (number + 1) + " is not UTF-8 text; save "
                            + "the file as UTF-8", e);
                }
                if (line == null) {
                    break;
                }
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonElement element;
                try {
                    element = JsonParser.parseString(line);
                } catch (JsonParseException e) {
                    throw new IllegalArgumentException(file + " line " + number + " is not valid JSON ("
                            + syntaxError(e) + "); each line must be one JSON object", e);
                }
                if (!element.isJsonObject()) {
                    throw new IllegalArgumentException(file + " line " + number + " is not a JSON object: "
                            + (line.length() > 60 ? line.substring(0, 57) + "..." : line));
                }
                try {
                    out.add(parse.apply(element.getAsJsonObject()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** Gson's reason for a syntax error, without its position in the one-line document and its help links. */
    private static String syntaxError(JsonParseException e) {
        String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : String.valueOf(e.getMessage());
        return message.lines().findFirst().orElse(message).replaceFirst("at line 1 column (\\d+)", "at column $1")
                .replaceFirst(" path \\$.*", "");
    }

    /**
     * Group samples from JSON Lines {@code {"obj": …, "group": 3}}, the object read by {@code object}.
     *
     * @param file the file
     * @param object reads the record from the line's {@code obj} value
     * @param <T> record type
     * @return the samples
     * @throws IOException when reading fails
     */
    public static <T> List<SimilarityGroupSample<T>> groupsFromJsonl(Path file,
            Function<com.google.gson.JsonElement, T> object) throws IOException {
        return readJsonl(file, o -> new SimilarityGroupSample<>(object.apply(require(o, "obj")),
                integer(require(o, "group"), "group")));
    }

    /**
     * Pair samples from JSON Lines {@code {"obj_a": …, "obj_b": …, "score": 1.0, "subgroup": 0}} (score defaults to
     * 1, subgroup to 0, as in Quaterion), with an optional {@code "negatives": […]} array of explicit negatives of
     * {@code obj_a} (read with the same function; see {@link SimilarityPairSample#negatives()}) and the optional
     * distillation targets {@code "teacher_embedding": [numbers]} and {@code "teacher_margins": [numbers]} (one per
     * negative; see {@link SimilarityPairSample#teacherMargins()}).
     *
     * @param file the file
     * @param object reads a record from {@code obj_a} / {@code obj_b}
     * @param <T> record type
     * @return the samples
     * @throws IOException when reading fails
     */
    public static <T> List<SimilarityPairSample<T>> pairsFromJsonl(Path file,
            Function<com.google.gson.JsonElement, T> object) throws IOException {
        return readJsonl(file, o -> {
            double[] embedding = numbers(o, "teacher_embedding");
            float[] teacher = null;
            if (embedding != null) {
                teacher = new float[embedding.length];
                for (int i = 0; i < teacher.length; i++) {
                    teacher[i] = (float) embedding[i];
                }
            }
            return new SimilarityPairSample<>(object.apply(require(o, "obj_a")), object.apply(require(o, "obj_b")),
                    o.has("score") ? finite(o.get("score"), "score") : 1.0,
                    o.has("subgroup") ? integer(o.get("subgroup"), "subgroup") : 0, negatives(o, object), teacher,
                    numbers(o, "teacher_margins"));
        });
    }

    /**
     * Scored pairs from JSON Lines {@code {"query": …, "document": …, "target": 1.0, "group": 7}} for a cross-encoder
     * ({@link ScoredPair}: the target is a label, grade or teacher score; pairs with one group form a query's list).
     * Every key is required.
     *
     * @param file the file
     * @param query reads the query from {@code query}
     * @param document reads the document from {@code document}
     * @param <Q> query type
     * @param <D> document type
     * @return the pairs, in the file's order
     * @throws IOException when reading fails
     */
    public static <Q, D> List<ScoredPair<Q, D>> scoredPairsFromJsonl(Path file,
            Function<com.google.gson.JsonElement, Q> query, Function<com.google.gson.JsonElement, D> document)
            throws IOException {
        return readJsonl(file, o -> new ScoredPair<>(query.apply(require(o, "query")), document.apply(require(o,
                "document")), finite(require(o, "target"), "target"), integer(require(o, "group"), "group")));
    }

    /** An optional array of finite numbers; null when absent. */
    private static double[] numbers(JsonObject o, String key) {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            return null;
        }
        if (!o.get(key).isJsonArray()) {
            throw new IllegalArgumentException("\"" + key + "\" must be an array of numbers, got " + o.get(key));
        }
        com.google.gson.JsonArray array = o.getAsJsonArray(key);
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = finite(array.get(i), key);
        }
        return out;
    }

    /** The optional "negatives" array of a pair line (explicit negatives of obj_a). */
    private static <T> List<T> negatives(JsonObject o, Function<com.google.gson.JsonElement, T> object) {
        if (!o.has("negatives") || o.get("negatives").isJsonNull()) {
            return List.of();
        }
        if (!o.get("negatives").isJsonArray()) {
            throw new IllegalArgumentException("\"negatives\" must be an array of objects, got " + o.get("negatives"));
        }
        List<T> out = new ArrayList<>();
        o.getAsJsonArray("negatives").forEach(e -> out.add(object.apply(e)));
        return out;
    }

    /** A JSON integer in the long range: 1.7, 1e30, "3" or true are refused, never rounded or wrapped. */
    private static long integer(com.google.gson.JsonElement e, String key) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                // not an integer, or outside the long range
            }
        }
        throw new IllegalArgumentException("\"" + key + "\" must be an integer in the 64-bit range, got " + e);
    }

    /** A finite JSON number. */
    private static double finite(com.google.gson.JsonElement e, String key) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double v = e.getAsDouble();
            if (Double.isFinite(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException("\"" + key + "\" must be a finite number, got " + e);
    }

    private static com.google.gson.JsonElement require(JsonObject o, String key) {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            throw new IllegalArgumentException("missing \"" + key + "\" (keys present: " + o.keySet() + ")");
        }
        return o.get(key);
    }
}
