package org.quaterion.examples.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.examples.WordNetPairs;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;
import org.quaterion.onnx.TextBatching;
import org.quaterion.onnx.TrainableMiniLm;

/**
 * What batch invariance costs the built-in text encoders: all-MiniLM-L6-v2 int8 and fp32 (ONNX Runtime) and
 * {@link TrainableMiniLm} (libtorch, inference), each run per text ({@link TextBatching#PER_TEXT}) and as padded
 * batches ({@link TextBatching#PADDED}), on N WordNet 3.1 noun definitions (every 8th of the first 8N), encoded in
 * batches of {@code --batch}. Prints, per configuration, the largest difference between a text encoded alone and in
 * a batch of 64, and the median throughput over interleaved rounds. Run with {@code --texts N --batch B --rounds R
 * --threads T} (T: ONNX Runtime intra-op and libtorch threads).
 */
public final class BatchInvarianceBenchmark {

    private BatchInvarianceBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        int n = 256;
        int batch = 256;
        int rounds = 5;
        int threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--texts" -> n = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --texts N, --batch B, --rounds R, --threads T");
            }
        }
        System.setProperty(OnnxSentenceEncoder.THREADS_PROPERTY, String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        List<SimilarityPairSample<String>> pairs = WordNetPairs.nouns(8 * n);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < pairs.size() && texts.size() < n; i += 8) {
            texts.add(pairs.get(i).objA());
        }
        Map<String, Supplier<Encoder<String>>> encoders = new LinkedHashMap<>();
        encoders.put("int8 ONNX, per text", MiniLm::int8);
        encoders.put("int8 ONNX, padded", () -> MiniLm.int8().withBatching(TextBatching.PADDED));
        encoders.put("fp32 ONNX, per text", MiniLm::fp32);
        encoders.put("fp32 ONNX, padded", () -> MiniLm.fp32().withBatching(TextBatching.PADDED));
        encoders.put("TrainableMiniLm, per text", () -> TrainableMiniLm.pretrained(128));
        encoders.put("TrainableMiniLm, padded", () -> TrainableMiniLm.builder(128).batching(TextBatching.PADDED)
                .build());
        Map<String, SimilarityModel<String>> models = new LinkedHashMap<>();
        encoders.forEach((name, encoder) -> models.put(name, SimilarityModel.<String>builder()
                .addEncoder("text", encoder.get()).setHead(new EmptyHead(MiniLm.DIM)).build()));
        try {
            System.out.printf(Locale.ROOT, "# %d WordNet noun definitions (%s tokens), batches of %d, %d thread(s), "
                    + "%d rounds%n%n", texts.size(), tokenCounts(texts), batch, threads, rounds);
            Map<String, double[]> speed = new LinkedHashMap<>();
            for (Map.Entry<String, SimilarityModel<String>> e : models.entrySet()) {
                e.getValue().encode(texts, batch); // warm-up
                speed.put(e.getKey(), new double[0]);
            }
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, SimilarityModel<String>> e : models.entrySet()) {
                    long t0 = System.nanoTime();
                    e.getValue().encode(texts, batch);
                    double perSecond = texts.size() / ((System.nanoTime() - t0) / 1e9);
                    double[] s = speed.get(e.getKey());
                    s = Arrays.copyOf(s, s.length + 1);
                    s[s.length - 1] = perSecond;
                    speed.put(e.getKey(), s);
                }
            }
            List<String> sample = texts.subList(0, Math.min(64, texts.size()));
            System.out.println("| encoder | texts/s (median) | alone vs batch of " + sample.size()
                    + ": max abs diff | values that differ | lowest cosine |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (Map.Entry<String, SimilarityModel<String>> e : models.entrySet()) {
                float[][] together = e.getValue().encode(sample, sample.size());
                float[][] alone = e.getValue().encode(sample, 1);
                double worst = 0;
                double lowestCos = 1;
                int differ = 0;
                for (int t = 0; t < sample.size(); t++) {
                    double dot = 0;
                    for (int j = 0; j < alone[t].length; j++) {
                        worst = Math.max(worst, Math.abs(alone[t][j] - together[t][j]));
                        dot += (double) alone[t][j] * together[t][j];
                        differ += Float.floatToIntBits(alone[t][j]) != Float.floatToIntBits(together[t][j]) ? 1 : 0;
                    }
                    lowestCos = Math.min(lowestCos, dot);
                }
                double[] s = speed.get(e.getKey()).clone();
                Arrays.sort(s);
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.3g | %d of %d | %.6f |%n", e.getKey(), s[s.length / 2],
                        worst, differ, sample.size() * MiniLm.DIM, lowestCos);
            }
        } finally {
            models.values().forEach(SimilarityModel::close);
        }
    }

    /** Mean and largest token count of the texts (MiniLM's tokenizer, special tokens included). */
    private static String tokenCounts(List<String> texts) {
        OnnxSentenceEncoder source = MiniLm.int8();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(source.tokenizerFile())) {
            int[] counts = texts.stream().mapToInt(t -> tokenizer.encode(t).getIds().length).toArray();
            return String.format(Locale.ROOT, "mean %.1f, max %d", Arrays.stream(counts).average().orElse(0),
                    Arrays.stream(counts).max().orElse(0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            source.close();
        }
    }
}
