package org.quaterion.examples.bench;

import java.util.List;
import java.util.Locale;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;

/**
 * What one huge request costs a service on {@link OnnxSentenceEncoder} (all-MiniLM-L6-v2 int8, 128 tokens): the time
 * to encode one text of 1 KiB to 10 MiB and the resident memory it adds, with the default character cut
 * ({@code 32 × maxLength}) and without a cut (the whole text tokenised, as before the cut existed). Prints a table.
 */
public final class ServingLimitsBenchmark {

    private ServingLimitsBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        OnnxSentenceEncoder base = MiniLm.int8();
        String line = "The quick brown fox jumps over the lazy dog near the river bank. ";
        System.out.println("| text | cut | median ms (5 runs) | RSS added, MiB |");
        System.out.println("|---|---|---|---|");
        for (boolean cut : new boolean[] {true, false}) {
            OnnxSentenceEncoder encoder = new OnnxSentenceEncoder(base.modelFile(), base.tokenizerFile(), MiniLm.DIM,
                    OnnxSentenceEncoder.Pooling.MEAN, true, 128, cut ? 32 * 128 : Integer.MAX_VALUE);
            try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", encoder)
                    .setHead(new EmptyHead(MiniLm.DIM)).build()) {
                model.encode(List.of(line), 1);
                for (int kib : new int[] {1, 1024, 10 * 1024}) {
                    String text = line.repeat(kib * 1024 / line.length() + 1).substring(0, kib * 1024);
                    long rssBefore = rssKib();
                    long[] times = new long[5];
                    for (int r = 0; r < times.length; r++) {
                        long start = System.nanoTime();
                        model.encode(List.of(text), 1);
                        times[r] = System.nanoTime() - start;
                    }
                    java.util.Arrays.sort(times);
                    System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.0f |%n", kib >= 1024 ? kib / 1024 + " MiB"
                            : kib + " KiB", cut ? "4,096 chars (default)" : "none", times[2] / 1e6,
                            Math.max(0, rssKib() - rssBefore) / 1024.0);
                }
            }
        }
        base.close();
    }

    /** Resident set size of this process from /proc (0 where there is no /proc). */
    private static long rssKib() {
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
