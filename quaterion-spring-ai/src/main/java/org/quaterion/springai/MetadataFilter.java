package org.quaterion.springai;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

/**
 * Spring AI's portable filter expressions, compiled into a predicate over a document's metadata map. Supported:
 * {@code EQ NE GT GTE LT LTE IN NIN AND OR NOT ISNULL ISNOTNULL} and groups, with string, number and boolean values
 * (keys may be quoted; a dotted key is one literal key). Comparisons follow SQL where a key is absent: every
 * comparison and {@code IN} is false, {@code NE} and {@code NIN} are true, {@code ISNULL} is true. Numbers compare by
 * value whatever their Java type ({@code 2020 == 2020L == 2020.0}); strings order lexicographically; {@code EQ} and
 * {@code NE} between different kinds (a string and a number) are simply unequal. Refused with an
 * {@link IllegalArgumentException}: values of other types (dates, objects), ordering booleans, ordering a number
 * against a string (reported when a document meets it), {@code IN}/{@code NIN} without a list, and malformed trees.
 */
final class MetadataFilter {

    private MetadataFilter() {}

    /**
     * Parses Spring AI's text form ({@code "genre == 'drama' && year >= 2020"}) and compiles it.
     *
     * @param text the expression
     * @return the predicate
     */
    static Predicate<Map<String, Object>> compile(String text) {
        return compile(new FilterExpressionTextParser().parse(text));
    }

    /**
     * Compiles an expression, refusing what is unsupported before any document is seen.
     *
     * @param expression the expression, not null
     * @return the predicate over a metadata map
     */
    static Predicate<Map<String, Object>> compile(Filter.Expression expression) {
        Objects.requireNonNull(expression, "filter expression");
        Filter.ExpressionType type = expression.type();
        if (type == null) {
            throw new IllegalArgumentException("filter expression without a type: " + expression);
        }
        return switch (type) {
            case AND -> compileOperand(expression.left()).and(compileOperand(expression.right()));
            case OR -> compileOperand(expression.left()).or(compileOperand(expression.right()));
            case NOT -> compileOperand(expression.left()).negate();
            case ISNULL -> {
                String key = key(expression);
                yield metadata -> metadata.get(key) == null;
            }
            case ISNOTNULL -> {
                String key = key(expression);
                yield metadata -> metadata.get(key) != null;
            }
            case IN, NIN -> membership(expression, type == Filter.ExpressionType.IN);
            case EQ, NE -> equality(expression, type == Filter.ExpressionType.EQ);
            case GT, GTE, LT, LTE -> ordering(expression, type);
        };
    }

    private static Predicate<Map<String, Object>> compileOperand(Filter.Operand operand) {
        if (operand instanceof Filter.Group group) {
            return compile(group.content());
        }
        if (operand instanceof Filter.Expression inner) {
            return compile(inner);
        }
        throw new IllegalArgumentException("AND, OR and NOT take expressions, got " + operand);
    }

    private static Predicate<Map<String, Object>> equality(Filter.Expression expression, boolean equal) {
        String key = key(expression);
        Object value = scalar(expression, value(expression));
        return metadata -> {
            Object actual = metadata.get(key);
            if (actual == null) {
                return !equal;
            }
            return sameValue(actual, value) == equal;
        };
    }

    private static Predicate<Map<String, Object>> membership(Filter.Expression expression, boolean in) {
        String key = key(expression);
        Object values = value(expression);
        if (!(values instanceof List<?> list)) {
            throw new IllegalArgumentException(expression.type() + " on '" + key + "' needs a list of values, got "
                    + values);
        }
        List<Object> members = list.stream().map(v -> scalar(expression, v)).toList();
        return metadata -> {
            Object actual = metadata.get(key);
            if (actual == null) {
                return !in;
            }
            boolean found = members.stream().anyMatch(member -> sameValue(actual, member));
            return found == in;
        };
    }

    private static Predicate<Map<String, Object>> ordering(Filter.Expression expression, Filter.ExpressionType type) {
        String key = key(expression);
        Object value = scalar(expression, value(expression));
        if (value instanceof Boolean) {
            throw new IllegalArgumentException(type + " on '" + key + "' compares with a boolean, which has no order;"
                    + " use == or !=");
        }
        return metadata -> {
            Object actual = metadata.get(key);
            if (actual == null) {
                return false;
            }
            int order = compare(key, actual, value, type);
            return switch (type) {
                case GT -> order > 0;
                case GTE -> order >= 0;
                case LT -> order < 0;
                default -> order <= 0;
            };
        };
    }

    private static int compare(String key, Object actual, Object value, Filter.ExpressionType type) {
        if (actual instanceof Number a && value instanceof Number b) {
            return decimal(a).compareTo(decimal(b));
        }
        if (actual instanceof String a && value instanceof String b) {
            return a.compareTo(b);
        }
        throw new IllegalArgumentException(type + " compares '" + key + "' = " + actual + " ("
                + actual.getClass().getSimpleName() + ") with " + value + " (" + value.getClass().getSimpleName()
                + "): order needs two numbers or two strings");
    }

    private static boolean sameValue(Object actual, Object value) {
        if (actual instanceof Number a && value instanceof Number b) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        return actual.equals(value);
    }

    private static BigDecimal decimal(Number number) {
        return number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
    }

    private static String key(Filter.Expression expression) {
        if (!(expression.left() instanceof Filter.Key key) || key.key() == null) {
            throw new IllegalArgumentException(expression.type() + " needs a metadata key on its left, got "
                    + expression.left());
        }
        String name = key.key();
        boolean quoted = name.length() >= 2 && (name.startsWith("'") && name.endsWith("'")
                || name.startsWith("\"") && name.endsWith("\""));
        return quoted ? name.substring(1, name.length() - 1) : name;
    }

    private static Object value(Filter.Expression expression) {
        if (!(expression.right() instanceof Filter.Value value) || value.value() == null) {
            throw new IllegalArgumentException(expression.type() + " needs a value on its right, got "
                    + expression.right());
        }
        return value.value();
    }

    /** A string, a number or a boolean; anything else (dates, objects, nested lists) is refused. */
    private static Object scalar(Filter.Expression expression, Object value) {
        if (value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number number) {
            if (number instanceof Double d && (d.isNaN() || d.isInfinite())
                    || number instanceof Float f && (f.isNaN() || f.isInfinite())) {
                throw new IllegalArgumentException(expression.type() + " with a non-finite number " + value);
            }
            return value;
        }
        throw new IllegalArgumentException(expression.type() + " with a value of type "
                + (value == null ? "null" : value.getClass().getName()) + " (" + value
                + "): filters compare strings, numbers and booleans");
    }
}
