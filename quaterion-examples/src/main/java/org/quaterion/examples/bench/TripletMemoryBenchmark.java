package org.quaterion.examples.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.miner.TripletMarginMiner;

/**
 * Peak memory of the batch-all triplet losses and the triplet miner: one forward + backward (or one mining pass) on
 * random {@code (B, 1024)} FLOAT32 embeddings with B / C rows per class, each configuration in a fresh JVM so that the
 * process's peak resident set ({@code VmHWM}) is its own. Prints a table: B, classes, loss, peak RSS, time.
 * Arguments: optional list of batch sizes (default 1024 2048 4096).
 */
public final class TripletMemoryBenchmark {

    private static final int DIM = 1024;

    private TripletMemoryBenchmark() {}

    /**
     * Runs every configuration in a child JVM, or (with {@code --child B C LOSS}) one configuration here.
     *
     * @param args batch sizes, or the child's arguments
     * @throws Exception when a child fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), args[3]);
            return;
        }
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1024, 2048, 4096);
        }
        System.out.println("| B | classes | loss | peak RSS, GB | forward+backward, s |");
        System.out.println("|---|---|---|---|---|");
        for (int b : sizes) {
            for (int classes : new int[] {64, 512}) {
                for (String loss : new String[] {"TripletLoss(ALL)", "TripletMarginLoss", "TripletMarginMiner(HARD)"}) {
                    if (loss.startsWith("TripletMarginMiner") && b > 1024) {
                        continue; // its output alone is O(B³/C) triplets: 25 GB of indices at B = 4096, C = 64
                    }
                    System.out.println(runChild(b, classes, loss));
                }
            }
        }
    }

    private static String runChild(int b, int classes, String loss) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + System.getProperty(
                        "ai.djl.pytorch.num_threads", "1"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-cp", System.getProperty("java.class.path"), TripletMemoryBenchmark.class.getName(), "--child",
                Integer.toString(b), Integer.toString(classes), loss);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.MINUTES);
        String result = out.lines().filter(l -> l.startsWith("|")).findFirst().orElse(null);
        return result != null ? result : String.format(Locale.ROOT, "| %d | %d | %s | failed (exit %d) | |", b,
                classes, loss, p.exitValue());
    }

    private static void child(int b, int classes, String lossName) throws IOException {
        long start;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            NDArray e = m.randomNormal(new Shape(b, DIM)).toType(DataType.FLOAT32, false);
            long[] labels = new long[b];
            for (int i = 0; i < b; i++) {
                labels[i] = i % classes;
            }
            NDArray y = m.create(labels);
            start = System.nanoTime();
            if (lossName.startsWith("TripletMarginMiner")) {
                TripletMarginMiner.builder().optMargin(0.2).optType(TripletMarginMiner.Type.HARD).build().mine(e, y);
            } else {
                GroupLoss loss = lossName.startsWith("TripletLoss") ? TripletLoss.builder().optMargin(0.5)
                        .optDistance(org.quaterion.distance.Distance.euclidean()).optMining(TripletLoss.Mining.ALL)
                        .optSmooth(false).build()
                        : new TripletMarginLoss(0.2);
                e.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(loss.forward(e, y));
                }
                e.getGradient().sum().getFloat();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "| %d | %d | %s | %.2f | %.1f |%n", b, classes, lossName,
                peakRssKib() / 1048576.0, seconds);
    }

    private static long peakRssKib() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
