package org.quaterion.search.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.models.rerank.PairScorer;
import org.quaterion.search.LiveVectorIndex;
import org.quaterion.search.VectorIndex;

class TwoStageSearchTest {

    private static final Map<String, String> TEXTS = Map.of("a", "apple", "b", "banana", "c", "cherry", "d", "date");

    /** Scores each text from a table and records every call. */
    private static class TableScorer implements PairScorer<String, String> {
        final Map<String, Float> table;
        final List<List<String>> calls = new ArrayList<>();

        TableScorer(Map<String, Float> table) {
            this.table = table;
        }

        @Override
        public float[] score(String query, List<String> candidates) {
            calls.add(List.copyOf(candidates));
            float[] out = new float[candidates.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = table.get(candidates.get(i));
            }
            return out;
        }

        @Override
        public void close() {}
    }

    private static LiveVectorIndex line() {
        LiveVectorIndex index = LiveVectorIndex.create(2,
                VectorIndex.Config.defaults().withDistance(Distance.euclidean()));
        index.add("a", new float[] {0, 0}, null);
        index.add("b", new float[] {1, 0}, null);
        index.add("c", new float[] {2, 0}, null);
        index.add("d", new float[] {3, 0}, null);
        return index;
    }

    @Test
    void reordersTheCandidatesByScoreInOneScorerCall() throws IOException {
        TableScorer scorer = new TableScorer(Map.of("apple", 0.1f, "banana", 0.9f, "cherry", 0.5f, "date", 5f));
        try (LiveVectorIndex index = line()) {
            TwoStageSearch search = new TwoStageSearch(index::search, scorer, hit -> TEXTS.get(hit.id()));
            List<RerankedHit> hits = search.search(new float[] {0, 0}, "fruit", 3, 2);
            // "date" scores highest but is not among the 3 candidates, so it cannot come back
            assertEquals(List.of("b", "c"), hits.stream().map(RerankedHit::id).toList());
            assertEquals(0.9f, hits.get(0).score());
            assertEquals(1, hits.get(0).firstStageRank());
            assertEquals(1.0, hits.get(0).distance(), 1e-6);
            assertEquals(0.5f, hits.get(1).score());
            assertEquals(2, hits.get(1).firstStageRank());
            assertEquals(2.0, hits.get(1).distance(), 1e-6);
            assertEquals(List.of(List.of("apple", "banana", "cherry")), scorer.calls);
        }
    }

    @Test
    void tiesKeepTheFirstStageOrder() throws IOException {
        TableScorer scorer = new TableScorer(Map.of("apple", 1f, "banana", 2f, "cherry", 2f, "date", 2f));
        try (LiveVectorIndex index = line()) {
            TwoStageSearch search = new TwoStageSearch(index::search, scorer, hit -> TEXTS.get(hit.id()));
            assertEquals(List.of("b", "c", "d", "a"),
                    search.search(new float[] {0, 0}, "q", 4, 4).stream().map(RerankedHit::id).toList());
        }
    }

    @Test
    void refusesMoreResultsThanCandidatesAndBadScorers() throws IOException {
        try (LiveVectorIndex index = line()) {
            TableScorer good = new TableScorer(Map.of("apple", 0f, "banana", 0f, "cherry", 0f, "date", 0f));
            TwoStageSearch search = new TwoStageSearch(index::search, good, hit -> TEXTS.get(hit.id()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> search.search(new float[] {0, 0}, "q", 3, 5));
            assertTrue(e.getMessage().contains("topN (5) exceeds candidates (3)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> search.search(new float[] {0, 0}, "q", 0, 0));
            assertTrue(e.getMessage().contains("at least 1"), e.getMessage());

            TwoStageSearch noText = new TwoStageSearch(index::search, good, hit -> hit.id().equals("b") ? null : "x");
            e = assertThrows(IllegalArgumentException.class, () -> noText.search(new float[] {0, 0}, "q", 3, 3));
            assertTrue(e.getMessage().contains("no text for candidate 'b'"), e.getMessage());

            PairScorer<String, String> short1 = new TableScorer(Map.of()) {
                @Override
                public float[] score(String query, List<String> candidates) {
                    return new float[candidates.size() - 1];
                }
            };
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    () -> new TwoStageSearch(index::search, short1, hit -> "x").search(new float[] {0, 0}, "q", 3, 1));
            assertTrue(s.getMessage().contains("returned 2 scores for 3 candidates"), s.getMessage());

            TableScorer nan = new TableScorer(Map.of("apple", 0f, "banana", Float.NaN, "cherry", 0f, "date", 0f));
            s = assertThrows(IllegalStateException.class, () -> new TwoStageSearch(index::search, nan,
                    hit -> TEXTS.get(hit.id())).search(new float[] {0, 0}, "q", 3, 1));
            assertTrue(s.getMessage().contains("candidate 'b' NaN"), s.getMessage());
        }
    }
}
