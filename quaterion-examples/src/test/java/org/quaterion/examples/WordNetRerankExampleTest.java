package org.quaterion.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shortened run of the WordNet two-stage example: the cross-encoder re-ranks the bi-encoder's own candidates, has
 * learnt its training lists, and the cross-encoder-filtered negatives train a bi-encoder head.
 */
class WordNetRerankExampleTest {

    @TempDir
    Path tmp;

    @Test
    void crossEncoderReRanksTheFirstStagesCandidates() throws Exception {
        WordNetRerankExample.Result r = WordNetRerankExample.run(new WordNetRerankExample.Options(300, 60, 40, 3,
                10, 60, 0.0, 42, tmp, 2), System.out);
        assertEquals(60, r.firstTop().length);
        for (int q = 0; q < r.firstTop().length; q++) {
            assertEquals(10, r.firstTop()[q].length);
            int[] first = r.firstTop()[q].clone();
            int[] reranked = r.rerankedTop()[q].clone();
            Arrays.sort(first);
            Arrays.sort(reranked);
            assertArrayEquals(first, reranked, "query " + q + ": the re-ranked list is a permutation of the top 10");
        }
        assertEquals(r.firstStage().recallAtK(), r.reranked().recallAtK(), "re-ranking within the top k keeps "
                + "recall@k");
        assertTrue(r.trainListAccuracy() > 0.5, "the cross-encoder ranks the right word above a random one on most "
                + "training lists: " + r.trainListAccuracy());
        assertNotNull(r.headFiltered());
        assertTrue(r.dropped() > 0 && r.dropped() < r.mined(), "the cross-encoder drops some mined negatives, not "
                + "all: " + r.dropped() + " of " + r.mined());
    }
}
