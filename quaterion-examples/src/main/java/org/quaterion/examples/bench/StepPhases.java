package org.quaterion.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.train.optim.Adam;

/**
 * Where a head-only training step's time goes (the {@link TrainingBenchmark} step, without collation or loader):
 * median microseconds of the head forward, the loss forward, the backward pass, the Adam update and the step's
 * cleanup (zeroing gradients, closing its arrays), for batch 256
 * and 1024 on 384-d inputs. Run with {@code --threads N}.
 */
public final class StepPhases {

    private static final int DIM = 384;
    private static final int RUNS = 200;

    private StepPhases() {}

    /**
     * Runs the measurement.
     *
     * @param args {@code --threads N}
     */
    public static void main(String[] args) {
        int threads = args.length == 2 && args[0].equals("--threads") ? Integer.parseInt(args[1]) : 1;
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "# Training step phases, SkipConnectionHead(%d) + TripletLoss(hard) + Adam, %d thread(s),"
                + " median µs of %d steps%n%n", DIM, threads, RUNS);
        out.println("| batch | head forward | loss forward | backward | Adam | zero grads + free the step | total |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int batch : new int[] {256, 1024}) {
            measure(batch, out);
        }
    }

    private static void measure(int batch, PrintStream out) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SkipConnectionHead head = new SkipConnectionHead(DIM);
            head.initialize(manager, DataType.FLOAT32);
            Map<String, NDArray> params = new LinkedHashMap<>();
            head.namedParameters().forEach((name, p) -> params.put(name, p.getArray()));
            params.values().forEach(p -> p.setRequiresGradient(true));
            GroupLoss loss = new TripletLoss();
            Adam adam = Adam.of(1e-4);
            NDArray x = manager.randomNormal(new Shape(batch, DIM));
            long[] y = new long[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = i % 64;
            }
            NDArray labels = manager.create(y);
            long[][] phases = new long[6][RUNS];
            for (int r = -20; r < RUNS; r++) {
                long t0 = System.nanoTime();
                long t1;
                long t2;
                long t3;
                long t4;
                try (NDScope scope = new NDScope()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray e = head.apply(new ParameterStore(manager, false), x, null, true);
                        t1 = System.nanoTime();
                        NDArray value = loss.forward(e, labels);
                        t2 = System.nanoTime();
                        gc.backward(value);
                        t3 = System.nanoTime();
                    }
                    adam.step(params, 1e-4);
                    t4 = System.nanoTime();
                    for (NDArray p : params.values()) {
                        p.getGradient().subi(p.getGradient());
                    }
                }
                long t5 = System.nanoTime();
                if (r >= 0) {
                    phases[0][r] = t1 - t0;
                    phases[1][r] = t2 - t1;
                    phases[2][r] = t3 - t2;
                    phases[3][r] = t4 - t3;
                    phases[4][r] = t5 - t4;
                    phases[5][r] = t5 - t0;
                }
            }
            StringBuilder row = new StringBuilder("| " + batch + " |");
            for (long[] p : phases) {
                Arrays.sort(p);
                row.append(String.format(Locale.ROOT, " %.0f |", p[RUNS / 2] / 1e3));
            }
            out.println(row);
        }
    }
}
