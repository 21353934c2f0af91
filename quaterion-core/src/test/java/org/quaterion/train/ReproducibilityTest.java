package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;

/**
 * A seeded fit gives bit-identical step losses in fresh JVMs (1 intra-op thread, the library's engine defaults; the
 * inter-op setting is deliberately not passed to the children). Before the fix, 10 fresh JVMs of this fit gave 2
 * different sequences, apart from step ~28 on.
 */
class ReproducibilityTest {

    private static final int FORKS = 3;

    /** A frozen random linear encoder under a linear head, triplet loss. */
    static final class Model extends TrainableModel<float[]> {
        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("enc", BlockEncoder.<float[]>builder().setTypeName("repro-linear")
                    .setBlock(Linear.builder().setUnits(16).build()).setCollator(Collators.floatVectors())
                    .setEmbeddingSize(16).optTrainable(false).optInputShapes(new Shape(1, 16)).build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new LinearHead(inputSize, 8, true, 0.0);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new TripletLoss();
        }
    }

    /**
     * The child: one seeded epoch over 20,000 vectors in 4 groups, batch 256; prints every step loss exactly.
     *
     * @param args unused
     * @throws Exception when the fit fails
     */
    public static void main(String[] args) throws Exception {
        Random r = new Random(7);
        List<float[]> objects = new ArrayList<>();
        long[] labels = new long[20_000];
        for (int i = 0; i < labels.length; i++) {
            float[] x = new float[16];
            for (int j = 0; j < 16; j++) {
                x[j] = (float) r.nextGaussian() + (i % 4);
            }
            objects.add(x);
            labels[i] = i % 4;
        }
        List<SimilarityGroupSample<float[]>> data = Datasets.fromClassification(objects, labels);
        try (Model m = new Model()) {
            FitResult result = Quaterion.fit(m, Quaterion.trainerDefaults().withMaxEpochs(1).withProgressBar(false),
                    new GroupSimilarityDataLoader<>(data, LoaderOptions.batchSize(256).withShuffle(1)), null);
            StringBuilder out = new StringBuilder("STEPS");
            result.stepLosses().forEach(l -> out.append(' ').append(Double.doubleToLongBits(l)));
            System.out.println(out);
        }
    }

    @Test
    void theSameSeededFitIsBitIdenticalInFreshJvms() throws Exception {
        List<String> runs = new ArrayList<>();
        for (int fork = 0; fork < FORKS; fork++) {
            runs.add(org.quaterion.ForkedJvm.resultLine(getClass(), "STEPS "));
        }
        assertEquals(79, runs.get(0).split(" ").length - 1, "one epoch of 79 steps");
        for (int fork = 1; fork < FORKS; fork++) {
            assertEquals(runs.get(0), runs.get(fork), "fork " + fork + " differs from fork 0");
        }
        System.out.println("ReproducibilityTest: " + FORKS + " fresh JVMs gave bit-identical step losses");
    }
}
