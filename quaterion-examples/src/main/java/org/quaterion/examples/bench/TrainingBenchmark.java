package org.quaterion.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.Batch;
import org.quaterion.dataset.Datasets;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.eval.AttachedMetric.Stage;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;

/**
 * Framework overhead per training step: a head-only model (frozen pass-through encoder of 384-dimensional vectors,
 * as cached MiniLM embeddings would be, and a trainable {@code SkipConnectionHead}) with {@code TripletLoss(hard)},
 * trained by {@link Quaterion#fit}, against a bare loop doing the model's forward (collation, encoder, head) +
 * loss + backward + Adam on the same batches (pre-built record lists, no loader, no bookkeeping). Two fits are
 * timed: one from the frozen-encoder cache (AUTO: the embeddings in one array on the model's device, gathered per
 * batch) and one that collates the records every step. A fit's step time is its steady state: from the end of its
 * first step to the end of its last, so the one-off setup (the cache fill, the trainer's start) is left out; the
 * cache's setup is printed on its own. Overhead = fit step (records) − bare step. Run with {@code --threads N}; the
 * JVM property {@code -Dprefetch=K} sets the loader's prefetch depth.
 */
public final class TrainingBenchmark {

    private static final int DIM = 384;
    private static final int STEPS = 60;
    private static final int PREFETCH = Integer.getInteger("prefetch", 2);

    private TrainingBenchmark() {}

    /** The head-only trainable model; records when each training step ended. */
    private static final class HeadOnly extends TrainableModel<float[]> {
        private final boolean cached;
        private final long[] stepEnds = new long[STEPS];
        private int steps;

        HeadOnly(boolean cached) {
            this.cached = cached;
        }

        @Override
        protected CacheConfig<float[]> configureCaches() {
            return cached ? CacheConfig.<float[]>of(CacheType.AUTO).withBatchSize(1024) : null;
        }

        @Override
        protected void processResults(NDArray embeddings, Batch<float[]> batch, int batchIndex, Stage stage) {
            if (stage == Stage.TRAIN && steps < STEPS) {
                stepEnds[steps++] = System.nanoTime();
            }
        }

        /** Milliseconds per step from the end of the first step to the end of the last. */
        double steadyStepMs() {
            if (steps != STEPS) {
                throw new IllegalStateException("the timed fit ran " + steps + " steps, expected " + STEPS);
            }
            return (stepEnds[STEPS - 1] - stepEnds[0]) / 1e6 / (STEPS - 1);
        }

        /** Forgets the steps recorded so far (those of the warm-up fit). */
        void resetSteps() {
            steps = 0;
        }
        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("cached", BlockEncoder.<float[]>builder().setTypeName("passthrough")
                    .setBlock(new ai.djl.nn.LambdaBlock(l -> l)).setCollator(Collators.floatVectors())
                    .setEmbeddingSize(DIM).optTrainable(false).optInputShapes(new Shape(1, DIM)).build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new SkipConnectionHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new TripletLoss();
        }

        @Override
        protected Adam configureOptimizer() {
            return Adam.of(1e-4);
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --threads N}
     * @throws IOException never (no output directory)
     */
    public static void main(String[] args) throws IOException {
        int threads = args.length == 2 && args[0].equals("--threads") ? Integer.parseInt(args[1]) : 1;
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "# Trainer overhead per step, head-only model (d=%d, SkipConnectionHead, "
                + "TripletLoss hard), %d libtorch thread(s), median of 5 runs of %d steps%n%n", DIM, threads, STEPS);
        out.println("| batch | fit, cached ms/step | fit, records ms/step | bare loop ms/step | cached fit setup ms | "
                + "overhead ms | overhead % |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int batch : new int[] {256, 1024}) {
            List<SimilarityGroupSample<float[]>> data = data(batch * STEPS, 7);
            double[] cached = new double[5];
            double[] setup = new double[5];
            double[] fit = new double[5];
            double[] bare = new double[5];
            for (int r = 0; r < 5; r++) {
                double[] c = fitStep(data, batch, true);
                cached[r] = c[0];
                setup[r] = c[1];
                fit[r] = fitStep(data, batch, false)[0];
                bare[r] = bareStep(data, batch);
            }
            Arrays.sort(cached);
            Arrays.sort(setup);
            Arrays.sort(fit);
            Arrays.sort(bare);
            out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.0f | %.2f | %.1f%% |%n", batch, cached[2], fit[2],
                    bare[2], setup[2], fit[2] - bare[2], 100 * (fit[2] - bare[2]) / fit[2]);
        }
    }

    private static List<SimilarityGroupSample<float[]>> data(int n, long seed) {
        Random random = new Random(seed);
        List<float[]> rows = new ArrayList<>(n);
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            float[] x = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                x[j] = (float) random.nextGaussian();
            }
            rows.add(x);
            labels[i] = i % 64;
        }
        return Datasets.fromClassification(rows, labels);
    }

    /** A fit's steady step time in ms and its time outside the steady steps (setup, first step, end) in ms. */
    private static double[] fitStep(List<SimilarityGroupSample<float[]>> data, int batch, boolean cached)
            throws IOException {
        try (HeadOnly model = new HeadOnly(cached)) {
            TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(1).withProgressBar(false)
                    .withEarlyStopping(null);
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(data,
                    LoaderOptions.batchSize(batch).withShuffle(1).withPrefetch(PREFETCH));
            Quaterion.fit(model, config, new GroupSimilarityDataLoader<>(data.subList(0, batch * 3),
                    LoaderOptions.batchSize(batch)), null);
            model.resetSteps();
            long t0 = System.nanoTime();
            Quaterion.fit(model, config, loader, null);
            double whole = (System.nanoTime() - t0) / 1e6;
            double steady = model.steadyStepMs();
            return new double[] {steady, whole - steady * (STEPS - 1)};
        }
    }

    private static double bareStep(List<SimilarityGroupSample<float[]>> data, int batch) {
        try (HeadOnly model = new HeadOnly(false); NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> params = model.trainableParameters();
            params.values().forEach(p -> p.setRequiresGradient(true));
            Adam adam = Adam.of(1e-4);
            GroupLoss loss = (GroupLoss) model.loss();
            List<List<float[]>> records = new ArrayList<>();
            List<NDArray> labels = new ArrayList<>();
            for (int s = 0; s < STEPS; s++) {
                List<float[]> x = new ArrayList<>(batch);
                long[] y = new long[batch];
                for (int i = 0; i < batch; i++) {
                    x.add(data.get(s * batch + i).obj());
                    y[i] = data.get(s * batch + i).group();
                }
                records.add(x);
                labels.add(manager.create(y));
            }
            for (int warm = 0; warm < 2; warm++) {
                bare(model, loss, adam, params, records.get(warm), labels.get(warm), manager);
            }
            long t0 = System.nanoTime();
            for (int s = 0; s < STEPS; s++) {
                bare(model, loss, adam, params, records.get(s), labels.get(s), manager);
            }
            return (System.nanoTime() - t0) / 1e6 / STEPS;
        }
    }

    private static void bare(HeadOnly model, GroupLoss loss, Adam adam, Map<String, NDArray> params,
            List<float[]> records, NDArray labels, NDManager manager) {
        try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray e = model.model().forward(records, step, true);
                gc.backward(loss.forward(e, labels));
            }
            adam.step(params, 1e-4);
            for (NDArray p : params.values()) {
                NDArray g = p.getGradient();
                g.subi(g);
            }
        }
    }
}
