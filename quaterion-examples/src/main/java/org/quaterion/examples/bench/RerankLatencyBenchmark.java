package org.quaterion.examples.bench;

import ai.djl.util.Pair;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.examples.WordNetPairs;
import org.quaterion.models.EngineSetup;
import org.quaterion.models.SimilarityModel;
import org.quaterion.onnx.CrossEncoder;
import org.quaterion.onnx.CrossEncoderModel;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;
import org.quaterion.onnx.TextBatching;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * The latency of re-ranking 10, 50 and 100 candidates per query with a MiniLM-L6 cross-encoder
 * ({@link CrossEncoderModel}: all-MiniLM-L6-v2's int8 export, dequantised, run by libtorch in float32, with a
 * scoring head; its weights do not change the time), as a {@code TwoStageSearch} calls it: one
 * {@code score(query, candidates)} per query. Queries are WordNet 3.1 noun definitions; the candidates are either
 * lemmas (the definition → word task) or other definitions (passage-like), each pair run on its own ({@link
 * TextBatching#PER_TEXT}, the default: scores do not depend on the batch) or as padded batches. Prints the median
 * and 90th-percentile wall milliseconds per query over {@code --queries} queries after one warm-up query, and the
 * median CPU milliseconds of the calling thread (with one libtorch thread the forward passes run on it, so this is
 * the latency of an otherwise idle core even on a loaded machine). Run with {@code --queries Q --threads T --sizes
 * 10,50,100}.
 */
public final class RerankLatencyBenchmark {

    private RerankLatencyBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        int queries = 20;
        int threads = 1;
        int[] sizes = {10, 50, 100};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --queries Q, --threads T, --sizes 10,50,100");
            }
        }
        EngineSetup.configure(threads);
        int maxSize = Arrays.stream(sizes).max().orElse(100);
        List<SimilarityPairSample<String>> nouns = WordNetPairs.nouns(queries + 1 + maxSize);
        List<String> queryTexts = new ArrayList<>();
        for (int q = 0; q <= queries; q++) {
            queryTexts.add(nouns.get(q).objA());
        }
        Map<String, List<String>> pools = new LinkedHashMap<>();
        pools.put("lemmas", nouns.subList(queries + 1, queries + 1 + maxSize).stream()
                .map(SimilarityPairSample::objB).toList());
        pools.put("definitions", nouns.subList(queries + 1, queries + 1 + maxSize).stream()
                .map(SimilarityPairSample::objA).toList());
        System.out.printf(Locale.ROOT, "# MiniLM-L6 cross-encoder (int8 export, float32 libtorch), %d thread(s), "
                + "%d queries after 1 warm-up, max 128 tokens per pair%n%n", threads, queries);
        System.out.println("| candidates | kind | batching | wall ms per query, median | p90 | CPU ms per query, median "
                + "| pairs/s by CPU time |");
        System.out.println("|---:|---|---|---:|---:|---:|---:|");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (TextBatching batching : List.of(TextBatching.PER_TEXT, TextBatching.PADDED)) {
            try (CrossEncoderModel scorer = miniLm(batching)) {
                for (int size : sizes) {
                    for (Map.Entry<String, List<String>> pool : pools.entrySet()) {
                        List<String> candidates = pool.getValue().subList(0, size);
                        scorer.score(queryTexts.get(0), candidates); // warm-up
                        double[] ms = new double[queries];
                        double[] cpuMs = new double[queries];
                        for (int q = 0; q < queries; q++) {
                            long c0 = cpu.getCurrentThreadCpuTime();
                            long t0 = System.nanoTime();
                            scorer.score(queryTexts.get(q + 1), candidates);
                            ms[q] = (System.nanoTime() - t0) / 1e6;
                            cpuMs[q] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
                        }
                        Arrays.sort(ms);
                        Arrays.sort(cpuMs);
                        double cpuMedian = cpuMs[queries / 2];
                        System.out.printf(Locale.ROOT, "| %d | %s | %s | %.1f | %.1f | %.1f | %.0f |%n", size,
                                pool.getKey(), batching == TextBatching.PER_TEXT ? "per pair" : "padded",
                                ms[queries / 2], ms[Math.min(queries - 1, (int) Math.ceil(0.9 * queries) - 1)],
                                cpuMedian, size / cpuMedian * 1000);
                    }
                }
            }
        }
    }

    /** A MiniLM-L6 cross-encoder with one relevance logit. */
    private static CrossEncoderModel miniLm(TextBatching batching) {
        OnnxSentenceEncoder int8 = MiniLm.int8();
        try {
            CrossEncoder encoder = CrossEncoder.of(TrainableTransformer.fromOnnx(int8.modelFile(),
                    int8.tokenizerFile(), TransformerConfig.allMiniLmL6()).maxLength(128).batching(batching));
            @SuppressWarnings({"unchecked", "rawtypes"})
            Class<Pair<String, String>> type = (Class) Pair.class;
            return CrossEncoderModel.of(SimilarityModel.<Pair<String, String>>builder().addEncoder("cross", encoder)
                    .setHead(CrossEncoder.scoringHead(encoder.embeddingSize(), 1)).optRecordType(type).build());
        } finally {
            int8.close();
        }
    }
}
