package org.quaterion.examples.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.examples.WordNetPairs;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/**
 * The frozen-encoder cache's payoff: frozen all-MiniLM-L6-v2 (int8) + {@code SkipConnectionHead} +
 * {@code MultipleNegativesRankingLoss} on N WordNet (definition, lemma) pairs, batch 256. Prints the raw encoder's
 * throughput, the cached run's fill time and per-epoch times, and the uncached run's per-epoch times. Run with
 * {@code --pairs N --uncached-epochs E --threads T}.
 */
public final class CacheBenchmark {

    private CacheBenchmark() {}

    /** The benchmark model; the cache is on or off. */
    private static final class DefinitionModel extends TrainableModel<String> {
        private final boolean cached;

        DefinitionModel(boolean cached) {
            this.cached = cached;
        }

        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("minilm", MiniLm.int8());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new SkipConnectionHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new MultipleNegativesRankingLoss();
        }

        @Override
        protected CacheConfig<String> configureCaches() {
            return cached ? CacheConfig.<String>of(CacheType.AUTO).withBatchSize(256) : null;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws IOException never (no output directory)
     */
    public static void main(String[] args) throws IOException {
        int pairs = 10_000;
        int uncachedEpochs = 2;
        int threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--uncached-epochs" -> uncachedEpochs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --pairs N, --uncached-epochs E, --threads T");
            }
        }
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        PrintStream out = System.out;
        List<SimilarityPairSample<String>> data = WordNetPairs.nouns(pairs);
        PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(data,
                LoaderOptions.batchSize(256).withShuffle(1));
        out.printf(Locale.ROOT, "# Frozen MiniLM int8 + SkipConnectionHead, %d WordNet pairs (%d texts), batch 256, "
                + "%d libtorch thread(s)%n%n", data.size(), 2 * data.size(), threads);

        double raw = rawThroughput(data);
        out.printf(Locale.ROOT, "raw encoder: %.0f texts/s (2,000 texts, batches of 256)%n", raw);

        TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(5).withEarlyStopping(null)
                .withProgressBar(false);
        long t0 = System.nanoTime();
        FitResult cached;
        try (DefinitionModel model = new DefinitionModel(true)) {
            cached = Quaterion.fit(model, config, loader, null);
        }
        double total = (System.nanoTime() - t0) / 1e9;
        double epochs = cached.epochs().stream().mapToDouble(e -> e.get("epoch_seconds")).sum();
        double fill = total - epochs;
        out.printf(Locale.ROOT, "cached: fill %.1f s (%.0f texts/s = %.0f%% of raw), epochs %s s%n", fill,
                2 * data.size() / fill, 100 * 2 * data.size() / fill / raw, seconds(cached));

        FitResult uncached;
        try (DefinitionModel model = new DefinitionModel(false)) {
            uncached = Quaterion.fit(model, config.withMaxEpochs(uncachedEpochs), loader, null);
        }
        out.printf(Locale.ROOT, "uncached: epochs %s s%n", seconds(uncached));
        double cachedLater = cached.epochs().subList(1, cached.epochs().size()).stream()
                .mapToDouble(e -> e.get("epoch_seconds")).average().orElse(Double.NaN);
        double uncachedEpoch = uncached.epochs().stream().mapToDouble(e -> e.get("epoch_seconds")).average()
                .orElse(Double.NaN);
        out.printf(Locale.ROOT, "epochs 2-5: cached %.2f s/epoch vs uncached %.1f s/epoch: %.0fx faster%n",
                cachedLater, uncachedEpoch, uncachedEpoch / cachedLater);
    }

    private static String seconds(FitResult result) {
        List<String> s = new ArrayList<>();
        result.epochs().forEach(e -> s.add(String.format(Locale.ROOT, "%.2f", e.get("epoch_seconds"))));
        return String.join(", ", s);
    }

    private static double rawThroughput(List<SimilarityPairSample<String>> data) {
        OnnxSentenceEncoder encoder = MiniLm.int8();
        try (NDManager manager = NDManager.newBaseManager()) {
            encoder.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
            List<String> texts = new ArrayList<>();
            for (int i = 0; texts.size() < 2000; i++) {
                texts.add(data.get(i % data.size()).objA());
                texts.add(data.get(i % data.size()).objB());
            }
            encodeAll(encoder, texts.subList(0, 256), manager);
            long t0 = System.nanoTime();
            encodeAll(encoder, texts, manager);
            return texts.size() / ((System.nanoTime() - t0) / 1e9);
        } finally {
            encoder.close();
        }
    }

    private static void encodeAll(OnnxSentenceEncoder encoder, List<String> texts, NDManager manager) {
        for (int s = 0; s < texts.size(); s += 256) {
            try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                NDList batch = encoder.collate(texts.subList(s, Math.min(texts.size(), s + 256)), step);
                encoder.forward(batch, false).getFloat(0, 0);
            }
        }
    }
}
