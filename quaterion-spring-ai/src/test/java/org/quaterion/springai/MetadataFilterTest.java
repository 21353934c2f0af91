package org.quaterion.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;

class MetadataFilterTest {

    /** Three films' metadata; the third has no year. */
    private static final Map<String, Map<String, Object>> FILMS = films();

    private static Map<String, Map<String, Object>> films() {
        Map<String, Map<String, Object>> films = new LinkedHashMap<>();
        films.put("alien", Map.of("genre", "horror", "year", 1979, "rating", 8.5, "colour", true));
        films.put("metropolis", Map.of("genre", "drama", "year", 1927L, "rating", 8.3, "colour", false));
        films.put("nosferatu", Map.of("genre", "horror", "rating", 7.9, "colour", false));
        return films;
    }

    private static List<String> matching(Predicate<Map<String, Object>> filter) {
        return FILMS.entrySet().stream().filter(e -> filter.test(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    private static List<String> matching(String text) {
        return matching(MetadataFilter.compile(text));
    }

    private static List<String> matching(Filter.Expression expression) {
        return matching(MetadataFilter.compile(expression));
    }

    @Test
    void comparisonsTreatNumbersByValueAndAnAbsentKeyAsSqlNull() {
        assertEquals(List.of("alien", "nosferatu"), matching("genre == 'horror'"));
        assertEquals(List.of("metropolis"), matching("genre != 'horror'"));
        assertEquals(List.of("metropolis"), matching("year == 1927")); // Integer filter, Long metadata
        assertEquals(List.of("alien"), matching("year == 1979.0"));
        assertEquals(List.of("metropolis", "nosferatu"), matching("year != 1979"));
        assertEquals(List.of("alien"), matching("year > 1927"));
        assertEquals(List.of("alien", "metropolis"), matching("year >= 1927"));
        assertEquals(List.of("metropolis"), matching("year < 1979"));
        assertEquals(List.of("alien", "metropolis"), matching("year <= 1979"));
        assertEquals(List.of("alien"), matching("rating > 8.4"));
        assertEquals(List.of("metropolis", "nosferatu"), matching("genre < 'horror' || rating < 8"));
        assertEquals(List.of("alien"), matching("colour == true"));
    }

    @Test
    void inNinAndOrNotAndNullChecks() {
        assertEquals(List.of("alien", "metropolis"), matching("year in [1927, 1979]"));
        assertEquals(List.of("nosferatu"), matching("year nin [1927, 1979]"));
        assertEquals(List.of("alien"), matching("genre == 'horror' && year >= 1970"));
        assertEquals(List.of("alien", "metropolis"), matching("genre == 'drama' OR colour == true"));
        assertEquals(List.of("metropolis"), matching("NOT (genre == 'horror')"));
        assertEquals(List.of("nosferatu"), matching("(genre == 'horror' || genre == 'drama') && year IS NULL"));
        assertEquals(List.of("alien", "metropolis"), matching("year IS NOT NULL"));
        assertEquals(List.of("alien"), matching("'genre' == 'horror' && \"year\" > 1900"));
    }

    @Test
    void theBuilderFormEvaluatesLikeTheTextForm() {
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        assertEquals(List.of("alien"), matching(b.and(b.in("genre", "horror", "comedy"), b.gte("year", 1970))
                .build()));
        assertEquals(List.of("metropolis"), matching(b.not(b.or(b.eq("colour", true), b.lt("rating", 8)))
                .build()));
        assertEquals(List.of("alien", "nosferatu"), matching(b.nin("year", 1927).build()));
    }

    @Test
    void unsupportedFiltersAreRefusedWithTheReason() {
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        IllegalArgumentException date = assertThrows(IllegalArgumentException.class,
                () -> MetadataFilter.compile(b.gt("released", new java.util.Date(0)).build()));
        assertTrue(date.getMessage().contains("strings, numbers and booleans"), date.getMessage());
        IllegalArgumentException bool = assertThrows(IllegalArgumentException.class,
                () -> MetadataFilter.compile("colour > true"));
        assertTrue(bool.getMessage().contains("no order"), bool.getMessage());
        IllegalArgumentException notAList = assertThrows(IllegalArgumentException.class, () -> MetadataFilter.compile(
                new Filter.Expression(Filter.ExpressionType.IN, new Filter.Key("year"), new Filter.Value(1979))));
        assertTrue(notAList.getMessage().contains("list"), notAList.getMessage());
        IllegalArgumentException keyless = assertThrows(IllegalArgumentException.class, () -> MetadataFilter.compile(
                new Filter.Expression(Filter.ExpressionType.EQ, new Filter.Value(1), new Filter.Value(1))));
        assertTrue(keyless.getMessage().contains("metadata key"), keyless.getMessage());
        Predicate<Map<String, Object>> mixed = MetadataFilter.compile("genre > 3");
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> mixed.test(FILMS.get("alien")));
        assertTrue(order.getMessage().contains("two numbers or two strings"), order.getMessage());
    }
}
