package org.quaterion.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.SimilarityModel;

/**
 * Shortened runs of the two training examples, asserting what they achieve (docs/examples.md has the full runs and
 * why the 1.5x targets are out of reach for a head on a frozen encoder and for a CNN trained on five classes).
 */
class ExamplesQualityTest {

    @TempDir
    Path tmp;

    @Test
    void foodQuickStartPullsSubgroupsTogether() throws Exception {
        double[] r = FoodQuickStart.run(30, tmp.resolve("food"), System.out);
        assertTrue(r[1] > r[0] + 0.1, "MAP@R of same-subgroup foods: before " + r[0] + ", after " + r[1]);
        assertTrue(r[3] >= r[2], "held-out foods P@1: before " + r[2] + ", after " + r[3]);
    }

    @Test
    void wordNetDefinitionsTunedHeadBeatsFrozenMiniLm() throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        double[] r = WordNetDefinitionsExample.run(4000, 500, 20, 1e-3, tmp.resolve("model"), tmp.resolve("cache"),
                new PrintStream(report, true, StandardCharsets.UTF_8));
        String text = report.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(r[1] > r[0], "tuned P@1 " + r[1] + " must beat the frozen MiniLM's " + r[0]);
        assertTrue(text.contains("P@1 0.452 -> 0.460"), "the shortened run is deterministic: " + text);
        try (SimilarityModel<String> served = SimilarityModel.load(tmp.resolve("model"), String.class)) {
            float[][] v = served.encode(List.of("a domesticated carnivorous mammal", "dog"), 2);
            assertEquals(384, v[0].length, "the servable reloads and encodes");
        }
    }

    @Test
    void fineTuningMiniLmItselfBeatsTheFrozenModel() throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        double[] r = WordNetDefinitionsExample.runFineTune(640, 300, 1, 5e-5, 32, tmp.resolve("fine-tuned"),
                new PrintStream(report, true, StandardCharsets.UTF_8));
        String text = report.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(r[1] > r[0], "fine-tuned P@1 " + r[1] + " must beat the pretrained MiniLM's " + r[0]);
        try (SimilarityModel<String> served = SimilarityModel.load(tmp.resolve("fine-tuned"), String.class)) {
            assertEquals(384, served.encode(List.of("frozen water"), 1)[0].length, "the fine-tuned servable reloads");
        }
    }

    @Test
    void loraOnMiniLmBeatsTheFrozenModelAndItsServableReloads() throws Exception {
        Path out = tmp.resolve("lora");
        double[] r = WordNetTransformerStudy.run(WordNetTransformerStudy.Options.parse(new String[] {"--train", "320",
            "--test", "200", "--lora", "4", "--lr", "1e-3", "--batch", "32", "--out", out.toString()}), System.out);
        assertTrue(r[1] > r[0], "LoRA-tuned P@1 " + r[1] + " must beat the pretrained MiniLM's " + r[0]);
        assertTrue(Files.isRegularFile(out.resolve("encoders/text/adapter_model.safetensors")), "adapters saved");
        try (SimilarityModel<String> served = SimilarityModel.load(out, String.class)) {
            assertEquals(384, served.encodeQueries(List.of("frozen water"), 1)[0].length, "the servable reloads");
        }
    }

    @Test
    void fashionMnistTrainedCnnBeatsRawPixelsOnUnseenClasses() throws Exception {
        requireFashionMnist();
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        double[] r = FashionMnistExample.run(2, 60_000, "triplet", 64, FashionMnistExample.DEFAULT_SEEN,
                new PrintStream(report, true, StandardCharsets.UTF_8));
        System.out.print(report.toString(StandardCharsets.UTF_8));
        assertEquals(0.262, r[0], 0.0005, "raw-pixel MAP@R on the unseen classes (numpy gives 0.262 too)");
        assertTrue(r[1] > r[0], "trained MAP@R " + r[1] + " must beat raw pixels' " + r[0]);
    }

    @Test
    void thePairwiseReRankerLearnsUnseenPairsAndReordersOnlyEachQuerysTopN() throws Exception {
        requireFashionMnist();
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        FashionMnistPairwiseExample.Result r = FashionMnistPairwiseExample.run(FashionMnistPairwiseExample.Options
                .parse("--train-images", "6000", "--epochs", "1", "--k", "5", "--negatives", "5", "--top-n", "10",
                        "--rr-epochs", "2"), new PrintStream(report, true, StandardCharsets.UTF_8));
        System.out.print(report.toString(StandardCharsets.UTF_8));
        assertTrue(r.permutations(), "every re-ranked list holds exactly the first stage's items");
        assertTrue(r.before().meanAveragePrecisionAtR() > 0.2, "the first stage works: " + r.before().all());
        // 25,000 unseen-class hard pairs (about 7,500 negative): a random scorer's ROC-AUC is 0.5 ± 0.004
        assertTrue(r.rerankerAuc() > 0.52, "unseen-class pair ROC-AUC " + r.rerankerAuc() + " above chance");
        assertNotEquals(r.before().precisionAt1(), r.after().precisionAt1(), "re-ranking changes the top results");
        assertThrows(IllegalArgumentException.class, () -> FashionMnistPairwiseExample.Options.parse("--features",
                "audio"));
    }

    /** Skips without Debian's Fashion-MNIST, except under CI, where its absence is an error. */
    private static void requireFashionMnist() {
        boolean present = Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Fashion-MNIST is missing under CI: .ci/run must apt-get install "
                    + "dataset-fashion-mnist");
        }
        assumeTrue(present, "Fashion-MNIST not installed: apt-get install -y dataset-fashion-mnist");
    }
}
