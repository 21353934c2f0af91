package org.quaterion.rerank.pairwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.distance.Distance;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;

class PairwiseRerankerTest {

    private static final int DIM = 8;
    private static NDManager manager;
    /** Rows of 6 training classes and, after them, 4 classes never trained on. */
    private static NDArray train;
    private static long[] trainLabels;
    private static NDArray unseen;
    private static long[] unseenLabels;
    private static HardPairs pairs;
    private static PairwiseReranker reranker;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Random random = new Random(3);
        trainLabels = new long[6 * 40];
        train = clusters(random, trainLabels, 0);
        unseenLabels = new long[4 * 40];
        unseen = clusters(random, unseenLabels, 6);
        pairs = HardPairs.mine(train, trainLabels, 10, Distance.cosine());
        reranker = PairwiseReranker.train(PairwiseConfig.defaults(DIM).withTraining(1e-2, 4, 64), train, pairs);
    }

    @AfterAll
    static void tearDown() {
        reranker.close();
        manager.close();
    }

    /** 40 noisy points around a random unit centre per class. */
    private static NDArray clusters(Random random, long[] labels, int firstClass) {
        int classes = labels.length / 40;
        float[] data = new float[labels.length * DIM];
        for (int c = 0; c < classes; c++) {
            double[] centre = new double[DIM];
            for (int j = 0; j < DIM; j++) {
                centre[j] = random.nextGaussian();
            }
            for (int i = 0; i < 40; i++) {
                int row = c * 40 + i;
                labels[row] = firstClass + c;
                for (int j = 0; j < DIM; j++) {
                    data[row * DIM + j] = (float) (centre[j] + 1.0 * random.nextGaussian());
                }
            }
        }
        return manager.create(data, new Shape(labels.length, DIM));
    }

    @Test
    void minesEachRowsNearestNeighboursLabelledBySharedClass() {
        assertEquals(train.getShape().get(0) * 10, pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            assertTrue(pairs.left()[i] != pairs.right()[i], "a row is never paired with itself");
            assertEquals(trainLabels[pairs.left()[i]] == trainLabels[pairs.right()[i]] ? 1f : 0f,
                    pairs.target()[i]);
        }
        assertTrue(pairs.positives() > 0 && pairs.positives() < pairs.size(),
                "the noisy clusters give both kinds: " + pairs.positives() + " of " + pairs.size());
    }

    @Test
    void ranksPairsOfUnseenClassesWellAboveChance() {
        double[] losses = reranker.epochLosses();
        assertTrue(losses[losses.length - 1] < losses[0], Arrays.toString(losses));
        HardPairs heldOut = HardPairs.mine(unseen, unseenLabels, 10, Distance.cosine());
        float[] p = reranker.probabilities(unseen, Arrays.stream(heldOut.left()).asLongStream().toArray(), unseen,
                Arrays.stream(heldOut.right()).asLongStream().toArray());
        // ROC AUC worked out here: the chance that a positive pair scores above a negative one (ties one half)
        double wins = 0;
        long comparisons = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (heldOut.target()[i] == 1 && heldOut.target()[j] == 0) {
                    wins += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
                    comparisons++;
                }
            }
        }
        double auc = wins / comparisons;
        // about 1,250 positives × 350 negatives: a random scorer stays within 0.5 ± 0.05 by far
        assertTrue(auc > 0.6, "held-out pair AUC " + auc);
        assertEquals(auc, reranker.evaluate(unseen, heldOut).rocAuc(), 1e-9);
        double accuracy = reranker.accuracy(unseen, heldOut);
        assertTrue(accuracy > 0.5 && accuracy <= 1, "accuracy " + accuracy);
    }

    @Test
    void sameSeedReproducesTheScoresAndAnotherSeedDoesNot() {
        PairwiseConfig config = PairwiseConfig.defaults(DIM).withTraining(1e-2, 1, 64);
        float[][] rows = rowsOf(unseen, 5);
        List<float[]> candidates = Arrays.asList(rows).subList(1, 5);
        try (PairwiseReranker a = PairwiseReranker.train(config, train, pairs);
                PairwiseReranker b = PairwiseReranker.train(config, train, pairs);
                PairwiseReranker c = PairwiseReranker.train(config.withSeed(7), train, pairs)) {
            assertArrayEquals(a.score(rows[0], candidates), b.score(rows[0], candidates));
            assertArrayEquals(a.epochLosses(), b.epochLosses());
            assertFalse(Arrays.equals(a.score(rows[0], candidates), c.score(rows[0], candidates)));
        }
    }

    @Test
    void scoresAreTheProbabilitiesOfTheBatchedPath() {
        float[][] rows = rowsOf(unseen, 6);
        float[] scores = reranker.score(rows[0], Arrays.asList(rows).subList(1, 6));
        float[] batched = reranker.probabilities(unseen, new long[] {0, 0, 0, 0, 0}, unseen,
                new long[] {1, 2, 3, 4, 5});
        assertArrayEquals(batched, scores, 1e-6f);
        for (float s : scores) {
            assertTrue(s > 0 && s < 1, "a probability: " + s);
        }
        assertEquals(0, reranker.score(rows[0], List.of()).length);
    }

    @Test
    void rerankingPermutesEachQuerysTopNAndKeepsTheRest() {
        long[] self = new long[(int) unseen.getShape().get(0)];
        Arrays.setAll(self, i -> i);
        KnnResult first = new ExactKnn(Distance.cosine()).search(unseen, unseen, 30, self);
        KnnResult re = reranker.rerank(first, unseen, unseen, 10);
        boolean anyMoved = false;
        for (int q = 0; q < first.queries(); q++) {
            long[] a = Arrays.copyOf(first.indices()[q], 10);
            long[] b = Arrays.copyOf(re.indices()[q], 10);
            anyMoved |= !Arrays.equals(a, b);
            Arrays.sort(a);
            Arrays.sort(b);
            assertArrayEquals(a, b, "query " + q + ": the top 10 are re-ordered, not replaced");
            assertArrayEquals(Arrays.copyOfRange(first.indices()[q], 10, 30),
                    Arrays.copyOfRange(re.indices()[q], 10, 30));
            for (int r = 1; r < 30; r++) {
                assertTrue(re.distances()[q][r - 1] <= re.distances()[q][r], "query " + q + " sorted at " + r);
            }
        }
        assertTrue(anyMoved, "the re-ranker changes some order");
        PairwiseReranking step = new PairwiseReranking(reranker, 10);
        KnnResult viaStep = step.search(unseen, unseen, 5, self, Distance.cosine());
        assertEquals(5, viaStep.k());
        assertArrayEquals(Arrays.copyOf(re.indices()[0], 5), viaStep.indices()[0]);
    }

    @Test
    void savesAndLoadsTheSameScores(@TempDir Path dir) throws IOException {
        float[][] rows = rowsOf(unseen, 6);
        List<float[]> candidates = Arrays.asList(rows).subList(1, 6);
        Path saved = dir.resolve("reranker");
        reranker.save(saved);
        reranker.save(saved); // a saved re-ranker may be replaced
        try (PairwiseReranker loaded = PairwiseReranker.load(saved)) {
            assertEquals(reranker.config(), loaded.config());
            assertArrayEquals(reranker.score(rows[0], candidates), loaded.score(rows[0], candidates));
        }
        Path params = saved.resolve(PairwiseReranker.PARAMETERS);
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 1;
        Files.write(params, bytes);
        assertThrows(CorruptArtifactException.class, () -> PairwiseReranker.load(saved));
        Path user = Files.createDirectories(dir.resolve("user"));
        Files.writeString(user.resolve("notes.txt"), "mine");
        assertThrows(IllegalArgumentException.class, () -> reranker.save(user));
        assertEquals("mine", Files.readString(user.resolve("notes.txt")));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> PairwiseReranker.load(user));
        assertTrue(e.getMessage().contains("PairwiseReranker.save"), e.getMessage());
    }

    @Test
    void refusesWrongShapesAndSettingsWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reranker.score(new float[3], List.of(new float[DIM])));
        assertTrue(e.getMessage().contains("takes " + DIM), e.getMessage());
        java.util.List<float[]> withNull = new ArrayList<>();
        withNull.add(null);
        assertThrows(IllegalArgumentException.class, () -> reranker.score(new float[DIM], withNull));
        assertThrows(IllegalArgumentException.class, () -> reranker.rerank(new KnnResult(new long[1][3],
                new double[1][3]), unseen, unseen, 1));
        assertThrows(IllegalArgumentException.class, () -> PairwiseConfig.defaults(DIM).withFeatures());
        assertThrows(IllegalArgumentException.class,
                () -> PairwiseConfig.defaults(DIM).withFeatures(PairFeatures.CONCAT, PairFeatures.CONCAT));
        assertThrows(IllegalArgumentException.class, () -> PairwiseConfig.defaults(DIM).withDropout(1));
        assertThrows(IllegalArgumentException.class,
                () -> PairwiseReranker.train(PairwiseConfig.defaults(DIM + 1), train, pairs));
        assertThrows(IllegalArgumentException.class, () -> PairwiseReranker.train(PairwiseConfig.defaults(DIM),
                train, new HardPairs(new int[] {0}, new int[] {100_000}, new float[] {1})));
    }

    @Test
    void concatenationIsOrderDependentAndTheDefaultIsSymmetric() {
        float[][] rows = rowsOf(unseen, 2);
        assertEquals(reranker.score(rows[0], List.of(rows[1]))[0], reranker.score(rows[1], List.of(rows[0]))[0],
                1e-6f);
        try (PairwiseReranker concat = PairwiseReranker.train(PairwiseConfig.defaults(DIM)
                .withFeatures(PairFeatures.CONCAT).withHidden(16).withTraining(1e-2, 1, 64), train, pairs)) {
            assertEquals(2 * DIM, concat.config().inputWidth());
            assertTrue(concat.score(rows[0], List.of(rows[1]))[0] != concat.score(rows[1], List.of(rows[0]))[0]);
        }
    }

    @Test
    void aClosedReRankerRefusesToScore() {
        PairwiseReranker r = PairwiseReranker.train(PairwiseConfig.defaults(DIM).withHidden(4).withTraining(1e-2, 1,
                512), train, pairs);
        r.close();
        r.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> r.score(new float[DIM], List.of(new float[DIM])));
    }

    private static float[][] rowsOf(NDArray x, int n) {
        float[] flat = x.toFloatArray();
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Arrays.copyOfRange(flat, i * DIM, (i + 1) * DIM));
        }
        return rows.toArray(new float[0][]);
    }
}
