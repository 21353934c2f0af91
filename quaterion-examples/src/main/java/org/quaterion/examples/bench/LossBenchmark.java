package org.quaterion.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.quaterion.distance.Distance;
import org.quaterion.loss.ArcFaceLoss;
import org.quaterion.loss.CircleLoss;
import org.quaterion.loss.ClassWeightLoss;
import org.quaterion.loss.ContrastiveLoss;
import org.quaterion.loss.FastAPLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.MultiSimilarityLoss;
import org.quaterion.loss.NTXentLoss;
import org.quaterion.loss.OnlineContrastiveLoss;
import org.quaterion.loss.PairwiseLoss;
import org.quaterion.loss.ProxyAnchorLoss;
import org.quaterion.loss.SoftmaxLoss;
import org.quaterion.loss.SupConLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.Miner;
import org.quaterion.miner.MultiSimilarityMiner;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.reducer.AvgNonZeroReducer;

/**
 * Times forward + backward of every loss for batch 256 and 1024 × dim 128 and 512 (64 balanced classes, float32),
 * in the layout of the peer table in docs/benchmarks.md (scripts/bench/side_by_side.py times the peers); pair losses get B/2 pairs (i, i + B/2) in 4
 * subgroups: median / min milliseconds of up to 10 runs after a warm-up of at least 20 runs and 1 s (the JIT),
 * at most ~8 s of timing per cell. Run with {@code --threads N} (libtorch intra-op threads, default 1).
 */
public final class LossBenchmark {

    private static final int CLASSES = 64;
    private static final int[][] CONFIGS = {{256, 128}, {256, 512}, {1024, 128}, {1024, 512}};

    /** Builds the timed computation for a batch size and dimension: (embeddings, labels) → scalar loss. */
    @FunctionalInterface
    private interface Bench {
        BiFunction<NDArray, NDArray, NDArray> create(int batch, int dim, NDManager manager);
    }

    private LossBenchmark() {}

    private static Bench group(java.util.function.Supplier<GroupLoss> loss, Miner miner) {
        return (b, d, m) -> {
            GroupLoss l = loss.get();
            return (e, y) -> l.forward(e, y, miner == null ? null : miner.mine(e, y));
        };
    }

    private static Bench weighted(java.util.function.BiFunction<Integer, Integer, ClassWeightLoss> loss) {
        return (b, d, m) -> {
            ClassWeightLoss l = loss.apply(CLASSES, d);
            l.initialize(m, DataType.FLOAT32);
            return (e, y) -> l.forward(e, y);
        };
    }

    private static Bench pairs(java.util.function.Supplier<PairwiseLoss> loss, boolean allPositive) {
        return (b, d, m) -> {
            PairwiseLoss l = loss.get();
            long[][] p = new long[b / 2][];
            double[] scores = new double[b / 2];
            for (int i = 0; i < b / 2; i++) {
                p[i] = new long[] {i, i + b / 2};
                scores[i] = allPositive || i % 2 == 0 ? 1 : 0;
            }
            NDArray pairs = m.create(p);
            NDArray labels = m.create(scores).toType(DataType.FLOAT32, false);
            long[] groups = new long[b];
            for (int r = 0; r < b; r++) {
                groups[r] = (r % (b / 2)) % 4;
            }
            NDArray subgroups = m.create(groups);
            return (e, y) -> l.forward(e, pairs, labels, subgroups);
        };
    }

    private static Map<String, Bench> cases() {
        Map<String, Bench> c = new LinkedHashMap<>();
        Distance qCos = Distance.cosine().scaled(0.5);
        c.put("q.TripletLoss(all,cos,m=0.5)", group(() -> TripletLoss.builder().optMargin(0.5).optDistance(qCos)
                .optMining(TripletLoss.Mining.ALL).optSmooth(false).build(),
                null));
        c.put("q.TripletLoss(hard,cos,m=0.5)", group(() -> TripletLoss.builder().optMargin(0.5).optDistance(qCos)
                .optMining(TripletLoss.Mining.HARD).optSmooth(false).build(), null));
        c.put("q.TripletLoss(hard,euc,m=0.5)", group(() -> TripletLoss.builder().optMargin(0.5)
                .optDistance(Distance.euclidean()).optMining(TripletLoss.Mining.HARD).optSmooth(false).build(), null));
        c.put("q.TripletLoss(semi_hard,cos)*", group(() -> TripletLoss.builder().optMargin(0.5).optDistance(qCos)
                .optMining(TripletLoss.Mining.SEMI_HARD).optSmooth(false).build(), null));
        c.put("q.OnlineContrastiveLoss(hard,cos)*", group(OnlineContrastiveLoss::new, null));
        c.put("q.ContrastiveLoss(cos,pairs)", pairs(org.quaterion.loss.pair.PairContrastiveLoss::new, false));
        c.put("q.MultipleNegativesRankingLoss", pairs(() -> MultipleNegativesRankingLoss.builder().optScale(20)
                .optDistance(qCos).optSymmetric(false).build(),
                true));
        c.put("q.SoftmaxLoss", weighted((cl, d) -> SoftmaxLoss.builder().setNumClasses(cl).setEmbeddingSize(d)
                .optTemperature(0.05).build()));
        c.put("q.ArcFaceLoss", weighted((cl, d) -> ArcFaceLoss.builder().setNumClasses(cl).setEmbeddingSize(d)
                .optScale(64).optMargin(0.5).build()));
        c.put("q.FastAPLoss", group(FastAPLoss::new, null));
        c.put("pml.TripletMarginLoss(all)", group(TripletMarginLoss::new, null));
        c.put("pml.TripletMarginLoss+BatchHardMiner", group(() -> new TripletMarginLoss(0.2), new BatchHardMiner()));
        c.put("pml.TripletMarginLoss+TripletMarginMiner(semihard)", group(() -> new TripletMarginLoss(0.2),
                TripletMarginMiner.builder().optMargin(0.2).optType(TripletMarginMiner.Type.SEMI_HARD).build()));
        c.put("pml.ContrastiveLoss", group(ContrastiveLoss::new, null));
        c.put("pml.MultiSimilarityLoss", group(MultiSimilarityLoss::new, null));
        c.put("pml.MultiSimilarityLoss+MSMiner", group(MultiSimilarityLoss::new, MultiSimilarityMiner.builder().optEpsilon(0.1).build()));
        c.put("pml.NTXentLoss", group(() -> new NTXentLoss(0.07), null));
        c.put("pml.SupConLoss", group(() -> new SupConLoss(0.1), null));
        c.put("pml.ArcFaceLoss", weighted((cl, d) -> ArcFaceLoss.builder().setNumClasses(cl).setEmbeddingSize(d)
                .optScale(64).optMarginDegrees(28.6).build()));
        c.put("pml.CircleLoss", group(CircleLoss::new, null));
        c.put("pml.ProxyAnchorLoss", weighted((cl, d) -> ProxyAnchorLoss.builder().setNumClasses(cl).setEmbeddingSize(d)
                .optMargin(0.1).optAlpha(32).build()));
        c.put("pml.FastAPLoss", group(FastAPLoss::new, null));
        c.put("TripletMarginLoss(all,avg-non-zero,cos)", group(() -> TripletMarginLoss.builder().optMargin(0.2)
                .optSmooth(false).optDistance(Distance.cosine()).optReducer(new AvgNonZeroReducer()).build(), null));
        return c;
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --threads N}, {@code --only SUBSTRING[;SUBSTRING…]}, {@code --max-seconds S}
     */
    public static void main(String[] args) {
        int threads = 1;
        String only = null;
        double budget = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads":
                    threads = Integer.parseInt(args[++i]);
                    break;
                case "--only":
                    only = args[++i];
                    break;
                case "--max-seconds":
                    budget = Double.parseDouble(args[++i]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + ": use --threads N, --only SUBSTRING, --max-seconds S");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        PrintStream out = System.out;
        Engine engine = Engine.getEngine("PyTorch");
        out.printf(Locale.ROOT, "# Loss forward + backward, float32, %d libtorch thread(s)%n%n", threads);
        out.printf(Locale.ROOT, "engine %s %s, java %s, %d cores, %s%n%n", engine.getEngineName(),
                engine.getVersion(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"));
        out.println("| loss | B=256 D=128 | B=256 D=512 | B=1024 D=128 | B=1024 D=512 |");
        out.println("|---|---:|---:|---:|---:|");
        for (Map.Entry<String, Bench> e : cases().entrySet()) {
            if (only != null && Arrays.stream(only.split(";")).noneMatch(e.getKey()::contains)) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            for (int[] cfg : CONFIGS) {
                row.append(' ').append(time(e.getValue(), cfg[0], cfg[1], budget)).append(" |");
            }
            out.println(row);
            out.flush();
        }
    }

    private static String time(Bench bench, int batch, int dim, double budgetSeconds) {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            BiFunction<NDArray, NDArray, NDArray> loss = bench.create(batch, dim, manager);
            NDArray labels = manager.create(labels(batch));
            NDArray base = manager.randomNormal(new Shape(batch, dim));
            // the JVM compiles the library's Java side after some hundred calls: warm up for at least 20 runs and
            // 1 s (at most 3 s) before timing, or small cells measure the interpreter, not the library
            double warm = 0;
            for (int n = 0; warm < 3.0 && (n < 20 || warm < 1.0); n++) {
                warm += once(loss, base, labels, manager) / 1000;
            }
            List<Double> times = new ArrayList<>();
            double spent = 0;
            for (int run = 0; run < 10; run++) {
                double ms = once(loss, base, labels, manager);
                times.add(ms);
                spent += ms / 1000;
                if (spent > budgetSeconds) {
                    break;
                }
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            return String.format(Locale.ROOT, "%.2f / %.2f", median, sorted[0]);
        } catch (RuntimeException | OutOfMemoryError e) {
            return "failed: " + e.getClass().getSimpleName();
        }
    }

    /** One forward + backward pass on a fresh copy of {@code base}, in milliseconds. */
    private static double once(BiFunction<NDArray, NDArray, NDArray> loss, NDArray base, NDArray labels,
            NDManager manager) {
        long t0 = System.nanoTime();
        try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
            NDArray emb = base.duplicate();
            emb.attach(step);
            emb.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray value = loss.apply(emb, labels);
                gc.backward(value);
            }
            emb.getGradient().getFloat(0, 0);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static long[] labels(int batch) {
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % CLASSES;
        }
        Random random = new Random(11);
        for (int i = batch - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return labels;
    }
}
