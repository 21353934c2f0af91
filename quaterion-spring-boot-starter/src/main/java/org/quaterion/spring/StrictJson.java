package org.quaterion.spring;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The endpoints' own JSON reading and writing, independent of the application's {@code ObjectMapper} (whose settings
 * stay the application's): a request binds only when every field has exactly its type (no {@code 1.5} or
 * {@code "3"} for an integer, no number for a text, no single text for a list), no field is unknown or repeated and
 * nothing follows the object. Every refusal is a 400 naming the field and what it must be.
 */
final class StrictJson {

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

    private final ObjectMapper mapper;

    StrictJson() {
        JsonMapper strict = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Textual, LogicalType.Collection,
                LogicalType.Boolean)) {
            for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString)) {
                strict.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
            }
        }
        this.mapper = strict;
    }

    /**
     * Reads one JSON object of {@code type} from a request body.
     *
     * @param body the body
     * @param type a record
     * @param example a valid body, quoted in the messages
     * @return the bound value
     * @throws InputRejectedException 400 naming what is wrong, 413 when the body passes the size limit
     */
    <T> T read(InputStream body, Class<T> type, String example) {
        try (JsonParser parser = mapper.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw rejected("the body is empty", example);
            }
            if (first != JsonToken.START_OBJECT) {
                throw rejected("the body must be a JSON object", example);
            }
            T value = mapper.readValue(parser, type);
            if (parser.nextToken() != null) {
                throw rejected("the body has more content after the JSON object", example);
            }
            return value;
        } catch (IOException e) {
            throw refusal(e, example);
        }
    }

    /** The answer to a body that failed to bind; a body over the size limit may fail inside Jackson (as a cause). */
    private static InputRejectedException refusal(IOException e, String example) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestSizeFilter.TooLarge) {
                return new InputRejectedException(413, t.getMessage());
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return rejected("unknown field \"" + u.getPropertyName() + "\": the endpoint accepts "
                    + quoted(u.getKnownPropertyIds()), example);
        }
        if (e instanceof MismatchedInputException m) {
            return rejected("\"" + path(m) + "\" " + expectation(m.getTargetType()), example);
        }
        if (e instanceof JsonParseException p) {
            String duplicate = duplicateField(p);
            return rejected(duplicate != null ? "field \"" + duplicate + "\" appears twice"
                    : "the body is not valid JSON (line " + p.getLocation().getLineNr() + ", column "
                            + p.getLocation().getColumnNr() + ")", example);
        }
        if (e instanceof JsonMappingException m) {
            return rejected("\"" + path(m) + "\" has the wrong type", example);
        }
        return rejected("the body could not be read (" + e.getMessage() + ")", example);
    }

    /**
     * Writes a value as JSON.
     *
     * @param value records, lists, maps, arrays
     * @return UTF-8 JSON
     */
    byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the answer as JSON", e);
        }
    }

    /**
     * The field a parser found twice (with duplicate detection on).
     *
     * @param e the parser's failure
     * @return the field's name, or null when the failure is another one
     */
    static String duplicateField(JsonParseException e) {
        Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        return duplicate.find() ? duplicate.group(1) : null;
    }

    private static InputRejectedException rejected(String problem, String example) {
        return new InputRejectedException(400, problem + "; send a JSON object such as " + example);
    }

    /** The field's path, e.g. {@code texts[1]}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expectation(Class<?> target) {
        if (target == null) {
            return "has the wrong type";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "must be an integer (a JSON number without a fraction or exponent, not in quotes)";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "must be a list of texts, e.g. [\"...\"]";
        }
        if (target == String.class) {
            return "must be a text (a JSON string in quotes)";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "must be true or false (a JSON boolean, not in quotes)";
        }
        return "has the wrong type";
    }

    private static String quoted(Collection<Object> names) {
        StringBuilder out = new StringBuilder();
        for (Object name : new TreeSet<>(names.stream().map(String::valueOf).toList())) {
            out.append(out.length() == 0 ? "" : ", ").append('"').append(name).append('"');
        }
        return out.toString();
    }
}
