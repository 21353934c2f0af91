package org.quaterion.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.query.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.models.rerank.PairScorer;

class QuaterionScoringModelTest {

    /** Scores a text by how many of the query's words it contains, and records each call's size. */
    private static final class WordOverlapScorer implements PairScorer<String, String> {
        final List<Integer> calls = new ArrayList<>();

        @Override
        public float[] score(String query, List<String> candidates) {
            calls.add(candidates.size());
            float[] out = new float[candidates.size()];
            for (int i = 0; i < out.length; i++) {
                for (String word : query.split(" ")) {
                    out[i] += candidates.get(i).contains(word) ? 1 : 0;
                }
            }
            return out;
        }

        @Override
        public void close() {}
    }

    @Test
    void scoresEverySegmentInOneCall() {
        WordOverlapScorer scorer = new WordOverlapScorer();
        QuaterionScoringModel model = QuaterionScoringModel.of(scorer);
        List<Double> scores = model.scoreAll(List.of(TextSegment.from("red apple"), TextSegment.from("green pear"),
                TextSegment.from("red pear")), "red pear").content();
        assertEquals(List.of(1.0, 1.0, 2.0), scores);
        assertEquals(2.0, model.score("a red pear", "red pear").content());
        assertEquals(List.of(3, 1), scorer.calls);
        assertEquals(List.of(), model.scoreAll(List.of(), "q").content());
    }

    @Test
    void reRanksRetrievedContentInLangChain4jsAggregator() {
        Query query = Query.from("red ripe pear");
        List<Content> retrieved = List.of(Content.from("green apple"), Content.from("green pear"),
                Content.from("red ripe pear"), Content.from("red ripe apple"));
        // word overlaps: green apple 0, green pear 1, red ripe pear 3, red ripe apple 2
        ReRankingContentAggregator best2 = ReRankingContentAggregator.builder()
                .scoringModel(QuaterionScoringModel.of(new WordOverlapScorer())).maxResults(2).build();
        assertEquals(List.of("red ripe pear", "red ripe apple"), texts(best2.aggregate(Map.of(query,
                List.of(retrieved)))));
        ReRankingContentAggregator atLeast1 = ReRankingContentAggregator.builder()
                .scoringModel(QuaterionScoringModel.of(new WordOverlapScorer())).minScore(1.0).build();
        assertEquals(List.of("red ripe pear", "red ripe apple", "green pear"), texts(atLeast1.aggregate(Map.of(
                query, List.of(retrieved)))));
    }

    private static List<String> texts(List<Content> contents) {
        return contents.stream().map(c -> c.textSegment().text()).toList();
    }

    @Test
    void refusesNullsAndBadScorers() {
        QuaterionScoringModel model = QuaterionScoringModel.of(new WordOverlapScorer());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.scoreAll(List.of(TextSegment.from("a")), null));
        assertTrue(e.getMessage().contains("a null query"), e.getMessage());
        List<TextSegment> withNull = new ArrayList<>();
        withNull.add(TextSegment.from("a"));
        withNull.add(null);
        e = assertThrows(IllegalArgumentException.class, () -> model.scoreAll(withNull, "q"));
        assertTrue(e.getMessage().contains("segment 1 is null"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QuaterionScoringModel.of(null));

        PairScorer<String, String> nan = new PairScorer<>() {
            @Override
            public float[] score(String query, List<String> candidates) {
                return new float[] {Float.NaN};
            }

            @Override
            public void close() {}
        };
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> QuaterionScoringModel.of(nan).scoreAll(List.of(TextSegment.from("a")), "q"));
        assertTrue(s.getMessage().contains("segment 0 NaN"), s.getMessage());
        s = assertThrows(IllegalStateException.class, () -> QuaterionScoringModel.of(nan)
                .scoreAll(List.of(TextSegment.from("a"), TextSegment.from("b")), "q"));
        assertTrue(s.getMessage().contains("returned 1 scores for 2 segments"), s.getMessage());
    }
}
