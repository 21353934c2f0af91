package org.quaterion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.dataset.ScoredPairDataLoader;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.score.ListwiseCrossEntropyLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.onnx.transformer.TransformerConfig;
import org.quaterion.train.FitResult;
import org.quaterion.train.LearningRateSchedule;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;

/**
 * A realistic cross-encoder: all-MiniLM-L6-v2 int8 (dequantised, from the Maven jar) fine-tuned on a few queries'
 * lists re-ranks queries it never saw: the held-out MRR over all documents rises above the untrained model's.
 */
class CrossEncoderMiniLmTest {

    /** (query, its answer): the first 12 train, the last 4 are held out. */
    static final String[][] FACTS = {{"which animal barks", "The dog barks at strangers."},
        {"which animal purrs", "The cat purrs when it is content."}, {"which animal gives milk", "The cow gives milk."},
        {"which insect makes honey", "The bee makes honey in its hive."},
        {"what spins a web", "The spider spins a web to catch flies."},
        {"which animal builds a nest", "The bird builds a nest in the tree."},
        {"what lives in water and has gills", "The fish breathes through its gills."},
        {"which animal pulls a cart", "The horse pulls a cart along the road."},
        {"which animal grows wool", "The sheep grows thick wool for winter."},
        {"which bird lays eggs on the farm", "The hen lays an egg every morning."},
        {"which bird hunts at night", "The owl hunts mice at night."},
        {"which animal croaks in a pond", "The frog croaks in the pond."},
        {"which animal crosses the desert", "The camel crosses the desert without water."},
        {"which animal stores nuts for winter", "The squirrel stores nuts for the winter."},
        {"which animal builds dams", "The beaver builds dams across rivers."},
        {"which animal sheds its skin", "The snake sheds its skin."}};
    static final int TRAIN = 12;

    @TempDir
    Path tmp;

    static final class Model extends TrainableModel<Pair<String, String>> {
        @Override
        protected Map<String, Encoder<Pair<String, String>>> configureEncoders() {
            OnnxSentenceEncoder int8 = MiniLm.int8();
            return Map.of("cross", CrossEncoder.of(TrainableTransformer.fromOnnx(int8.modelFile(),
                    int8.tokenizerFile(), TransformerConfig.allMiniLmL6()).maxLength(32)));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return CrossEncoder.scoringHead(inputSize, 1);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new ListwiseCrossEntropyLoss();
        }

        @Override
        protected org.quaterion.train.optim.GradientOptimizer configureOptimizer() {
            return Adam.of(5e-5);
        }
    }

    /** Each training query's answer and 5 other training answers as negatives. */
    static List<ScoredPair<String, String>> trainLists() {
        List<ScoredPair<String, String>> out = new ArrayList<>();
        for (int q = 0; q < TRAIN; q++) {
            out.add(new ScoredPair<>(FACTS[q][0], FACTS[q][1], 1, q));
            for (int k = 1; k <= 5; k++) {
                out.add(new ScoredPair<>(FACTS[q][0], FACTS[(q + k) % TRAIN][1], 0, q));
            }
        }
        return out;
    }

    /** The mean reciprocal rank of each held-out query's answer among all 16 documents. */
    static double heldOutMrr(CrossEncoderModel model) {
        List<String> docs = new ArrayList<>();
        for (String[] f : FACTS) {
            docs.add(f[1]);
        }
        double sum = 0;
        for (int q = TRAIN; q < FACTS.length; q++) {
            float[] s = model.score(FACTS[q][0], docs);
            int rank = 1;
            for (int d = 0; d < s.length; d++) {
                if (d != q && s[d] >= s[q]) {
                    rank++;
                }
            }
            sum += 1.0 / rank;
        }
        return sum / (FACTS.length - TRAIN);
    }

    @Test
    void fineTunedMiniLmReRanksHeldOutQueries() throws Exception {
        try (Model model = new Model()) {
            CrossEncoderModel scorer = CrossEncoderModel.of(model.model());
            double before = heldOutMrr(scorer);
            FitResult result = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(6).withProgressBar(false)
                    .withOutputDir(tmp.resolve("run")).withSchedule(LearningRateSchedule.warmupCosine(2, 0.0))
                    .withGradientClipNorm(1.0), new ScoredPairDataLoader<>(trainLists(), LoaderOptions.batchSize(4)
                            .withShuffle(1)), null);
            double after = heldOutMrr(scorer);
            List<Double> losses = result.stepLosses();
            int perEpoch = 3;
            assertEquals(6 * perEpoch, losses.size());
            double first = losses.subList(0, perEpoch).stream().mapToDouble(Double::doubleValue).average()
                    .orElseThrow();
            double last = losses.subList(5 * perEpoch, 6 * perEpoch).stream().mapToDouble(Double::doubleValue)
                    .average().orElseThrow();
            float[] example = scorer.score("which animal builds dams", List.of("The beaver builds dams across "
                    + "rivers.", "The bird builds a nest in the tree.", "The dog barks at strangers."));
            System.out.printf("MiniLM int8 cross-encoder: train loss epoch 1 %.4f -> epoch 6 %.4f; held-out MRR@16 "
                    + "%.3f -> %.3f; 'which animal builds dams': beaver %.3f, bird's nest %.3f, dog %.3f%n", first,
                    last, before, after, example[0], example[1], example[2]);
            assertTrue(last < first, "training loss " + first + " -> " + last);
            assertTrue(after > before, "held-out MRR " + before + " -> " + after);
        }
    }
}
