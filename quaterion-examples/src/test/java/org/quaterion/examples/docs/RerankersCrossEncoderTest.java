package org.quaterion.examples.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs/rerankers.md snippet trains, saves, loads and scores as shown. */
class RerankersCrossEncoderTest {

    @Test
    void theCrossEncoderSnippetTrainsSavesLoadsAndScores(@TempDir Path runs) throws Exception {
        float[] scores = RerankersCrossEncoder.trainSaveLoadScore(runs);
        assertEquals(3, scores.length);
        for (float s : scores) {
            assertTrue(Float.isFinite(s), java.util.Arrays.toString(scores));
        }
        assertTrue(scores[0] != scores[1] && scores[1] != scores[2], java.util.Arrays.toString(scores));
        assertTrue(Files.isRegularFile(runs.resolve("reranker/servable/config.json")), "saved where shown");
        assertTrue(Files.isRegularFile(runs.resolve("reranker/metrics.csv")), "the fit's metrics are where shown");
        System.out.println("cross-encoder snippet scores " + java.util.Arrays.toString(scores));
    }
}
