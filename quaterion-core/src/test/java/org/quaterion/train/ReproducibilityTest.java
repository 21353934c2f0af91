package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quaterion.ForkedJvm;
import org.quaterion.GarbageCollection;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.loss.LossInputs;
import org.quaterion.loss.TripletLoss;

/**
 * A seeded fit gives bit-identical step losses whatever the garbage collector does, and so in every fresh JVM: a
 * collection between a step's forward and backward pass must not change its gradients (see
 * {@code GarbageCollectionDuringBackwardTest}).
 */
class ReproducibilityTest {

    private static final int FORKS = 3;

    /** TripletLoss that runs a full collection (and frees direct buffers) after every forward pass. */
    static final class CollectingLoss extends AlteredTripletLoss {
        @Override
        NDArray alter(int call, LossInputs in, NDArray loss) {
            try {
                GarbageCollection.collectAndFreeDirectBuffers();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return loss;
        }
    }

    /** Two seeded epochs (50 steps, shuffled, dropout 0.1); the step losses as exact bit patterns. */
    static String stepLosses(boolean collectEveryStep) throws Exception {
        try (TrainingTest.Model model = new TrainingTest.Model(collectEveryStep ? new CollectingLoss()
                : new TripletLoss(), null)) {
            FitResult r = Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(2).withProgressBar(false)
                    .withSeed(11), new GroupSimilarityDataLoader<>(TrainingTest.groups(100, 3),
                    LoaderOptions.batchSize(32).withShuffle(5)), null);
            return r.stepLosses().stream().map(v -> Long.toHexString(Double.doubleToLongBits(v)))
                    .collect(Collectors.joining(" "));
        }
    }

    /**
     * The child process: prints the step losses of the seeded fit.
     *
     * @param args unused
     * @throws Exception when the fit fails
     */
    public static void main(String[] args) throws Exception {
        System.out.println("STEPS " + stepLosses(false));
    }

    @Test
    void aCollectionBeforeEveryBackwardChangesNoStepLoss() throws Exception {
        String plain = stepLosses(false);
        assertEquals(50, plain.split(" ").length);
        assertEquals(plain, stepLosses(true), "step losses with a GC between every forward and backward");
        System.out.println("ReproducibilityTest: 50 step losses bit-identical with a GC before every backward");
    }

    @Test
    void freshJvmsGiveBitIdenticalStepLosses() throws Exception {
        List<String> runs = new java.util.ArrayList<>();
        for (int fork = 0; fork < FORKS; fork++) {
            runs.add(ForkedJvm.resultLine(getClass(), "STEPS "));
        }
        for (int fork = 1; fork < FORKS; fork++) {
            assertEquals(runs.get(0), runs.get(fork), "fork " + fork + " vs fork 0");
        }
        System.out.println("ReproducibilityTest: " + FORKS + " fresh JVMs gave bit-identical step losses");
    }
}
