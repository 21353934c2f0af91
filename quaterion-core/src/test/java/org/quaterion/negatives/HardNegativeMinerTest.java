package org.quaterion.negatives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.SimilarityPairSample;

/**
 * Hard-negative mining on hand-made 2-d embeddings: each record {@code name@angle} is the unit vector at that angle
 * (degrees), so cosine similarities and ranks are known. Query {@code q@0} has positives at 10° and 12°; the corpus
 * holds the query itself, a closer-than-positive record at 5° and records every 10° from 20° on.
 */
class HardNegativeMinerTest {

    private static final HardNegativeMiner.Embedder<String> ANGLES = (records, manager) -> {
        float[][] rows = new float[records.size()][];
        for (int i = 0; i < rows.length; i++) {
            double a = Math.toRadians(Double.parseDouble(records.get(i).split("@")[1]));
            rows[i] = new float[] {(float) Math.cos(a), (float) Math.sin(a)};
        }
        return manager.create(rows);
    };

    private static final List<SimilarityPairSample<String>> PAIRS = List.of(SimilarityPairSample.of("q@0", "p@10"),
            SimilarityPairSample.of("q@0", "p@12"), SimilarityPairSample.of("r@180", "s@181"));

    private static final List<String> CORPUS = List.of("q@0", "near@5", "p@10", "p@12", "n@20", "n@30", "n@40",
            "n@50", "n@60", "n@20", "far@170", "s@181");

    private static List<List<String>> mine(HardNegativeMiner.Builder builder, List<String> corpus) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return builder.build().mine(PAIRS, corpus, ANGLES, manager).samples().stream()
                    .map(SimilarityPairSample::negatives).toList();
        }
    }

    @Test
    void nearestNonPositivesWithinTheWindow() {
        List<List<String>> got = mine(HardNegativeMiner.builder().optNegatives(2).optRankRange(0, 10), CORPUS);
        // the query itself, both of its positives and the duplicate n@20 never appear
        assertEquals(List.of("near@5", "n@20"), got.get(0));
        assertEquals(List.of("near@5", "n@20"), got.get(1));
        assertEquals(List.of("far@170", "n@60"), got.get(2));
        assertEquals(List.of("n@20", "n@30"),
                mine(HardNegativeMiner.builder().optNegatives(2).optRankRange(1, 10), CORPUS).get(0));
    }

    @Test
    void marginsDropLikelyFalseNegatives() {
        try (NDManager manager = NDManager.newBaseManager()) {
            HardNegativeMiner.Result<String> absolute = HardNegativeMiner.builder().optNegatives(2)
                    .optAbsoluteMargin(0).build().mine(PAIRS, CORPUS, ANGLES, manager);
            // near@5 scores above both positives: dropped for both pairs of q
            assertEquals(List.of("n@20", "n@30"), absolute.samples().get(0).negatives());
            assertTrue(absolute.stats().droppedByMargin() >= 2, absolute.stats().toString());
            assertEquals(3, absolute.stats().full());
            assertEquals(6, absolute.stats().negatives());
        }
        // 0.95 · cos 10° = 0.9356 < cos 20° = 0.9397: n@20 goes too for the pair at 10°
        assertEquals(List.of("n@30", "n@40"),
                mine(HardNegativeMiner.builder().optNegatives(2).optRelativeMargin(0.95), CORPUS).get(0));
        // the positive at 12° is less similar: its limit 0.95 · cos 12° = 0.9292 also drops n@20
        assertEquals(List.of("n@30", "n@40"),
                mine(HardNegativeMiner.builder().optNegatives(2).optRelativeMargin(0.95), CORPUS).get(1));
        // an absolute margin of 0.1 below cos 10° = 0.985 leaves only candidates under 0.885: from 30° on
        assertEquals(List.of("n@30"),
                mine(HardNegativeMiner.builder().optNegatives(1).optAbsoluteMargin(0.1), CORPUS).get(0));
    }

    @Test
    void theDefaultCorpusIsThePositivesOfOtherQueries() {
        List<List<String>> got = mine(HardNegativeMiner.builder().optNegatives(3), null);
        assertEquals(List.of("s@181"), got.get(0)); // only one corpus record is not q's positive
        assertEquals(List.of("p@12", "p@10"), got.get(2));
    }

    @Test
    void randomSamplingIsSeededAndStaysInTheWindow() {
        Set<List<String>> seen = new HashSet<>();
        for (long seed = 0; seed < 8; seed++) {
            HardNegativeMiner.Builder b = HardNegativeMiner.builder().optNegatives(2).optRankRange(0, 6)
                    .optSampling(HardNegativeMiner.Sampling.RANDOM, seed);
            List<String> first = mine(b, CORPUS).get(0);
            assertEquals(first, mine(b, CORPUS).get(0), "same seed, same negatives");
            assertTrue(List.of("near@5", "n@20", "n@30", "n@40", "n@50", "n@60").containsAll(first), first::toString);
            seen.add(first);
        }
        assertTrue(seen.size() > 1, "different seeds draw different negatives: " + seen);
    }

    @Test
    void approximateSearchAboveTheThresholdAgreesAndLeavesNothingBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = leftovers(tmp);
        List<List<String>> exact = mine(HardNegativeMiner.builder().optNegatives(2), CORPUS);
        List<List<String>> hnsw = mine(HardNegativeMiner.builder().optNegatives(2).optHnswAbove(1), CORPUS);
        assertEquals(exact, hnsw);
        assertEquals(before, leftovers(tmp));
    }

    private static long leftovers(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("quaterion-negatives-")).count();
        }
    }

    @Test
    void badSettingsAndInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HardNegativeMiner.builder().optNegatives(0).build());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> HardNegativeMiner.builder().optNegatives(5).optRankRange(2, 4).build());
        assertTrue(window.getMessage().contains("widen it"), window.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HardNegativeMiner.builder().optRelativeMargin(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> HardNegativeMiner.builder().optAbsoluteMargin(-1).build());
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException dissimilar = assertThrows(IllegalArgumentException.class,
                    () -> HardNegativeMiner.builder().build().mine(List.of(SimilarityPairSample.of("a@0", "b@1", 0)),
                            ANGLES, manager));
            assertTrue(dissimilar.getMessage().contains("similar pairs"), dissimilar.getMessage());
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> HardNegativeMiner.builder().build().mine(PAIRS, List.of(), ANGLES, manager));
            assertTrue(empty.getMessage().contains("corpus to mine negatives from is empty"), empty.getMessage());
        }
        assertNotEquals(HardNegativeMiner.builder().build().toString(), "");
    }

    /**
     * A cross-encoder that scores candidates from a table (by query and candidate, else by candidate; 0 when
     * absent) and counts its calls: it calls near@5 and n@30 likely positives, the rest clear negatives.
     */
    private static final class TableCrossEncoder implements org.quaterion.models.rerank.PairScorer<String, String> {
        static final java.util.Map<String, Float> SCORES = java.util.Map.of("p@10", 0.9f, "p@12", 0.8f, "r@180|s@181",
                0.7f, "near@5", 0.95f, "n@30", 0.85f, "n@40", 0.5f, "n@60", 0.3f, "n@20", 0.2f, "n@50", 0.1f,
                "far@170", 0f);
        final java.util.List<Integer> calls = new java.util.ArrayList<>();

        @Override
        public float[] score(String query, List<String> candidates) {
            calls.add(candidates.size());
            float[] out = new float[candidates.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = SCORES.getOrDefault(query + "|" + candidates.get(i),
                        SCORES.getOrDefault(candidates.get(i), 0f));
            }
            return out;
        }

        @Override
        public void close() {}
    }

    private static List<SimilarityPairSample<String>> mineWith(HardNegativeMiner.Builder builder,
            TableCrossEncoder crossEncoder) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return builder.build().mine(PAIRS, CORPUS, ANGLES, crossEncoder, manager).samples();
        }
    }

    @Test
    void aCrossEncoderDropsLikelyFalseNegativesAndOrdersTheRest() {
        TableCrossEncoder ce = new TableCrossEncoder();
        List<SimilarityPairSample<String>> got = mineWith(HardNegativeMiner.builder().optNegatives(3)
                .optRankRange(0, 10).optAbsoluteMargin(0.1).optTeacherMargins(true), ce);
        // pair (q, p@10): positive 0.9, so scores from 0.8 up are dropped: near@5 (0.95) and n@30 (0.85); the rest
        // in cross-encoder order: n@40 0.5, n@60 0.3, n@20 0.2
        assertEquals(List.of("n@40", "n@60", "n@20"), got.get(0).negatives());
        assertArrayEquals(new double[] {0.4, 0.6, 0.7}, got.get(0).teacherMargins(), 1e-6);
        // pair (q, p@12): positive 0.8, limit 0.7: the same negatives, margins from 0.8
        assertEquals(List.of("n@40", "n@60", "n@20"), got.get(1).negatives());
        assertArrayEquals(new double[] {0.3, 0.5, 0.6}, got.get(1).teacherMargins(), 1e-6);
        // pair (r, s@181): positive 0.7, limit 0.6: near@5 and n@30 dropped again
        assertEquals(List.of("n@40", "n@60", "n@20"), got.get(2).negatives());
        // one call per distinct query for its 8 / 10 candidates, one per (query, positive)
        assertEquals(List.of(8, 1, 1, 10, 1), ce.calls);

        // rangeMin counts in the cross-encoder's order: the best surviving candidate (n@40) is skipped
        assertEquals(List.of("n@60", "n@20", "n@50"), mineWith(HardNegativeMiner.builder().optNegatives(3)
                .optRankRange(1, 10).optAbsoluteMargin(0.1), new TableCrossEncoder()).get(0).negatives());
        // maxScore 0.4 drops near@5, n@30 and n@40; minScore 0.25 leaves n@60 alone
        assertEquals(List.of("n@60", "n@20", "n@50"), mineWith(HardNegativeMiner.builder().optNegatives(3)
                .optMaxScore(0.4), new TableCrossEncoder()).get(0).negatives());
        SimilarityPairSample<String> one = mineWith(HardNegativeMiner.builder().optNegatives(3).optMaxScore(0.4)
                .optMinScore(0.25), new TableCrossEncoder()).get(0);
        assertEquals(List.of("n@60"), one.negatives());
        assertEquals(null, one.teacherMargins());
    }

    @Test
    void scoreBoundsWithoutACrossEncoderReadTheEmbeddings() {
        // cos 5° = 0.996 is above 0.95 and goes; cos 20° = 0.940 stays
        assertEquals(List.of("n@20", "n@30"),
                mine(HardNegativeMiner.builder().optNegatives(2).optMaxScore(0.95), CORPUS).get(0));
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HardNegativeMiner
                    .builder().optTeacherMargins(true).build().mine(PAIRS, CORPUS, ANGLES, manager));
            assertTrue(e.getMessage().contains("teacher margins come from a cross-encoder"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HardNegativeMiner.builder().optMinScore(0.5).optMaxScore(0.4).build());
        assertTrue(e.getMessage().contains("minScore (0.5) exceeds maxScore (0.4)"), e.getMessage());
    }
}
