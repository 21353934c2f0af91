package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quaterion.loss.ClassWeightLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;

/**
 * A garbage collection between a loss's forward and backward pass must not change a single bit of
 * the gradients. DJL's {@code NDArray.mul(Number)} (and div, maximum, minimum, pow) wraps the number in a tensor
 * over a Java direct buffer and closes it right after the op; autograd keeps that tensor for the backward pass, so
 * a collection in between would free the buffer and the backward pass would read freed memory, and seeded runs
 * would differ across JVMs. Every registered loss is checked, in float32 and float64.
 */
class GarbageCollectionDuringBackwardTest {

    private static float[] gradients(SimilarityLoss loss, DataType type, boolean collect) throws InterruptedException {
        Random random = new Random(5);
        int rows = 12;
        double[][] emb = AllLosses.gaussian(random, rows, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            if (loss instanceof ClassWeightLoss c) {
                c.setWeights(m, AllLosses.gaussian(random, c.weightRows(), c.embeddingSize()), type);
            } else if (loss instanceof GroupLoss g) {
                g.initialize(m, type);
            }
            List<NDArray> tracked = new ArrayList<>();
            NDArray e = m.create(emb).toType(type, true);
            tracked.add(e);
            if (loss instanceof GroupLoss g) {
                for (Pair<String, Parameter> p : g.parameters()) {
                    tracked.add(p.getValue().getArray());
                }
            }
            tracked.forEach(a -> a.setRequiresGradient(true));
            NDArray[] in = inputs(loss, m, rows, emb[0].length, type);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value;
                try (NDScope scope = new NDScope()) {
                    value = forward(loss, e, in);
                    NDScope.unregister(value);
                }
                if (collect) {
                    org.quaterion.GarbageCollection.collectAndFreeDirectBuffers();
                }
                collector.backward(value);
            }
            List<Float> out = new ArrayList<>();
            for (NDArray a : tracked) {
                for (float v : a.getGradient().toType(DataType.FLOAT32, false).toFloatArray()) {
                    out.add(v);
                }
            }
            float[] flat = new float[out.size()];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = out.get(i);
            }
            return flat;
        }
    }

    /** The batch's label arrays, created outside the loss like the trainer does (they live until the step ends). */
    private static NDArray[] inputs(SimilarityLoss loss, NDManager m, int rows, int dim, DataType type) {
        if (loss instanceof org.quaterion.loss.score.ScoreLoss) {
            return new NDArray[0]; // AllLosses.forwardScores makes the targets and groups
        }
        if (loss instanceof GroupLoss) {
            long[] labels = new long[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = i % 3;
            }
            return new NDArray[] {m.create(labels)};
        }
        int n = rows / 2;
        long[][] pairs = new long[n][];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            pairs[i] = new long[] {i, i + n};
            scores[i] = loss instanceof MultipleNegativesRankingLoss ? 1 : i % 2;
        }
        NDArray[] targets = AllLosses.distillationTargets((PairwiseLoss) loss, m, n, dim, type);
        return new NDArray[] {m.create(pairs), m.create(scores), m.create(new long[rows]), targets[0], targets[1],
            targets[2]};
    }

    private static NDArray forward(SimilarityLoss loss, NDArray e, NDArray[] in) {
        if (loss instanceof org.quaterion.loss.score.ScoreLoss s) {
            return AllLosses.forwardScores(s, e);
        }
        return loss instanceof GroupLoss g ? g.forward(e, in[0])
                : ((PairwiseLoss) loss).forward(e, in[0], in[1], in[2], in[3], in[4], in[5]);
    }

    @Test
    void aCollectionBetweenForwardAndBackwardChangesNoGradientBit() throws InterruptedException {
        ComponentRegistry registry = ComponentRegistry.discover();
        Set<String> covered = new TreeSet<>();
        int cases = 0;
        List<String> changed = new ArrayList<>();
        for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT64)) {
            List<SimilarityLoss> plain = AllLosses.variants();
            List<SimilarityLoss> collected = AllLosses.variants();
            for (int i = 0; i < plain.size(); i++) {
                String name = registry.describe(plain.get(i)).toString();
                float[] expected = gradients(plain.get(i), type, false);
                float[] actual = gradients(collected.get(i), type, true);
                if (!java.util.Arrays.equals(expected, actual)) {
                    changed.add(type + " " + name);
                }
                covered.add(registry.describe(plain.get(i)).get("type").getAsString());
                cases++;
            }
        }
        assertEquals(List.of(), changed, "gradients changed by a GC between forward and backward");
        assertEquals(new TreeSet<>(registry.names(SimilarityLoss.class)), covered, "every registered loss is checked");
        System.out.println("GarbageCollectionDuringBackwardTest: " + cases + " loss cases bit-identical with a GC "
                + "before backward");
    }
}
