package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.models.tensor.Scalars;
import org.quaterion.state.ComponentState;

/** The cross-batch memory wrapper: the trainer's XBM formula, evaluation mode, exact state round trips, refusals. */
class CrossBatchMemoryTest {

    private static final int BATCH = 6;
    private static final int DIM = 4;

    private static NDArray batch(NDManager m, int step) {
        Random r = new Random(100 + step);
        double[][] e = new double[BATCH][DIM];
        for (double[] row : e) {
            for (int j = 0; j < DIM; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return m.create(e);
    }

    private static NDArray groups(NDManager m, int step) {
        long[] g = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            g[i] = (i + step) % 3;
        }
        return m.create(g);
    }

    private static CrossBatchMemory memory(NDManager m) {
        CrossBatchMemory xbm = CrossBatchMemory.builder(new TripletMarginLoss(0.3)).optWeight(0.5).optBufferSize(10)
                .optStartIteration(2).build();
        xbm.initialize(m, DataType.FLOAT64);
        return xbm;
    }

    @Test
    void valuesFollowTheMemoryFormulaStepByStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossBatchMemory xbm = memory(m);
            GroupLoss plain = new TripletMarginLoss(0.3);
            try (XbmBuffer reference = new XbmBuffer(m, 10, DIM, DataType.FLOAT64)) {
                for (int step = 0; step < 6; step++) {
                    NDArray e = batch(m, step);
                    NDArray g = groups(m, step);
                    NDArray expected = plain.forward(e, g);
                    NDArray[] kept = reference.get(m);
                    if (step >= 2 && kept != null) {
                        expected = expected.add(Scalars.mul(plain.forward(e, g, null, kept[0], kept[1]), 0.5));
                    }
                    reference.queue(e, g);
                    double value = xbm.forward(e, g).getDouble();
                    assertEquals(expected.getDouble(), value, 0.0, "step " + step);
                    if (step >= 2) {
                        assertTrue(value > plain.forward(e, g).getDouble(), "the memory term counts at step " + step);
                    }
                }
            }
            assertEquals(6, xbm.steps());
            assertEquals(10, xbm.filled(), "6 batches of 6 fill the 10 rows");
        }
    }

    @Test
    void evaluationModeIsTheInnerLossAndLeavesTheMemoryAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossBatchMemory xbm = memory(m);
            for (int step = 0; step < 3; step++) {
                xbm.forward(batch(m, step), groups(m, step));
            }
            xbm.train(false);
            NDArray e = batch(m, 7);
            NDArray g = groups(m, 7);
            assertEquals(new TripletMarginLoss(0.3).forward(e, g).getDouble(), xbm.forward(e, g).getDouble(), 0.0);
            assertEquals(3, xbm.steps());
            assertEquals(10, xbm.filled());
            xbm.train(true);
            xbm.forward(e, g);
            assertEquals(4, xbm.steps());
        }
    }

    @Test
    void savedStateResumesExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossBatchMemory first = memory(m);
            for (int step = 0; step < 3; step++) {
                first.forward(batch(m, step), groups(m, step));
            }
            CrossBatchMemory resumed = memory(m);
            try (NDManager saved = m.newSubManager()) {
                ComponentState state = first.saveState(saved);
                assertEquals(3, state.values().get("steps").getAsLong());
                resumed.loadState(state);
            }
            assertEquals(first.steps(), resumed.steps());
            for (int step = 3; step < 7; step++) {
                NDArray e = batch(m, step);
                NDArray g = groups(m, step);
                assertEquals(first.forward(e, g).getDouble(), resumed.forward(e, g).getDouble(), 0.0, "step " + step);
            }
            CrossBatchMemory fresh = memory(m);
            ComponentState empty = fresh.saveState(m);
            assertTrue(empty.arrays().isEmpty(), "nothing allocated before the first step");
            CrossBatchMemory other = CrossBatchMemory.builder(new TripletMarginLoss(0.3)).optBufferSize(11).build();
            other.initialize(m, DataType.FLOAT64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> other.loadState(first.saveState(m)));
            assertTrue(e.getMessage().contains("bufferSize is 11"), e.getMessage());
        }
    }

    @Test
    void misuseIsRefusedWithTheFix() {
        GroupLoss inner = new TripletMarginLoss();
        CrossBatchMemory xbm = CrossBatchMemory.builder(inner).build();
        IllegalArgumentException wrapped = assertThrows(IllegalArgumentException.class,
                () -> MatryoshkaLoss.of(xbm, new int[] {4, 2}, null));
        assertTrue(wrapped.getMessage().contains("outermost"), wrapped.getMessage());
        IllegalArgumentException arcFace = assertThrows(IllegalArgumentException.class, () -> CrossBatchMemory.builder(
                ArcFaceLoss.builder().setNumClasses(3).setEmbeddingSize(4).build()).build());
        assertTrue(arcFace.getMessage().contains("cannot use a memory"), arcFace.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CrossBatchMemory.builder(inner).optWeight(0).build());
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalStateException uninitialized = assertThrows(IllegalStateException.class,
                    () -> xbm.forward(batch(m, 0), groups(m, 0)));
            assertTrue(uninitialized.getMessage().contains("initialize"), uninitialized.getMessage());
        }
        JsonObject config = xbm.config();
        assertEquals(10_000, config.get("buffer_size").getAsInt());
        assertEquals(inner.config(), config.get("inner"));
    }

    @Test
    void termsThatContradictTheDeclaredReductionAreABug() {
        GroupLoss undeclared = new GroupLoss() {
            @Override
            protected LossTerms compute(LossInputs in) {
                return LossTerms.alreadyReduced(in.embeddings().sum());
            }

            @Override
            public JsonObject config() {
                return new JsonObject();
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> undeclared.forward(batch(m, 0), groups(m, 0)));
            assertTrue(e.getMessage().contains("Reduction.ALREADY_REDUCED"), e.getMessage());
        }
        IllegalArgumentException given = assertThrows(IllegalArgumentException.class,
                () -> new GroupLoss(null, new org.quaterion.reducer.SumReducer()) {
                    @Override
                    public Reduction reduction() {
                        return Reduction.ALREADY_REDUCED;
                    }

                    @Override
                    protected LossTerms compute(LossInputs in) {
                        return LossTerms.none();
                    }
                });
        assertTrue(given.getMessage().contains("takes no reducer"), given.getMessage());
    }
}
