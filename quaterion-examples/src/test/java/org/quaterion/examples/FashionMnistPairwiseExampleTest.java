package org.quaterion.examples;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A reduced run of OML's pairwise re-ranking recipe on Fashion-MNIST's unseen classes. */
class FashionMnistPairwiseExampleTest {

    @Test
    void theReRankerLearnsUnseenPairsAndReordersOnlyEachQuerysTopN() throws Exception {
        boolean present = Files.isRegularFile(Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Fashion-MNIST is missing under CI: .ci/run must apt-get install "
                    + "dataset-fashion-mnist");
        }
        assumeTrue(present, "Fashion-MNIST not installed: apt-get install -y dataset-fashion-mnist");
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
}
