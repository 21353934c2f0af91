package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.cache.RecordHash;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.QueryExpansion;
import org.quaterion.eval.Reranking;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.RetrievalProtocol;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.negatives.HardNegativeMiner;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.TrainableMiniLm;
import org.quaterion.search.ExactKnn;
import org.quaterion.train.LearningRateSchedule;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * Fine-tunes a frozen all-MiniLM-L6-v2 (int8) with a {@code SkipConnectionHead} and a symmetric
 * {@code MultipleNegativesRankingLoss} to retrieve a WordNet noun from its definition (Quaterion's FAQ tutorial,
 * on real data). Train and test pairs come from different synsets, so test words are unseen. The frozen encoder's
 * outputs are cached, so the epochs train only the head. Prints base (MiniLM alone) vs tuned P@1, MRR and
 * R-Precision of definition → word retrieval among the test words, and saves the servable. Arguments:
 * {@code --train N --test M --epochs E --lr R --out DIR --cache DIR}.
 */
public final class WordNetDefinitionsExample {

    private WordNetDefinitionsExample() {}

    /**
     * SkipConnectionHead + symmetric MNR on MiniLM: frozen int8 with its outputs cached under {@code cacheDir}, or,
     * when {@code cacheDir} is null, the whole fp32 MiniLM trainable on libtorch (nothing cached).
     */
    static final class DefinitionsModel extends TrainableModel<String> {
        private final Path cacheDir;
        private final double learningRate;

        DefinitionsModel(Path cacheDir, double learningRate) {
            this.cacheDir = cacheDir;
            this.learningRate = learningRate;
        }

        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("minilm", cacheDir == null ? TrainableMiniLm.pretrained(64) : MiniLm.int8());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new SkipConnectionHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return MultipleNegativesRankingLoss.builder().optScale(20).optDistance(Distance.cosine()).optSymmetric(true)
                    .build();
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(learningRate);
        }

        @Override
        protected CacheConfig<String> configureCaches() {
            // keyed by text: a word that is one pair's positive and other pairs' mined negative is encoded once
            return cacheDir == null ? null
                    : CacheConfig.<String>of(CacheType.AUTO).withBatchSize(256).withSaveDir(cacheDir)
                            .withKeyExtractors(Map.of("minilm", RecordHash::of));
        }
    }

    /**
     * Runs the example.
     *
     * @param args see the class comment
     * @throws IOException when saving fails
     */
    public static void main(String[] args) throws IOException {
        int train = 8000;
        int test = 1000;
        int epochs = 10;
        Path out = Path.of("target/wordnet-definitions-model");
        Path cache = Path.of("target/wordnet-cache");
        double lr = 1e-3;
        boolean fineTune = false;
        int batch = 256;
        int negatives = 0;
        int gradCache = 0;
        boolean rerank = false;
        double margin = 0.95;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--train" -> train = Integer.parseInt(args[++i]);
                case "--test" -> test = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--lr" -> lr = Double.parseDouble(args[++i]);
                case "--fine-tune" -> fineTune = true;
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--negatives" -> negatives = Integer.parseInt(args[++i]);
                case "--grad-cache" -> gradCache = Integer.parseInt(args[++i]);
                case "--rerank" -> rerank = true;
                case "--negative-margin" -> margin = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --train N, --test M, --epochs E, --lr R, --out DIR, --cache DIR, --fine-tune, "
                        + "--batch B, --negatives K, --negative-margin R (relative, 0 = none), --grad-cache M, "
                        + "--rerank");
            }
        }
        Mining mining = new Mining(negatives, margin);
        if (fineTune) {
            runFineTune(train, test, epochs, lr, batch, mining, gradCache, rerank, out, System.out);
        } else {
            run(train, test, epochs, lr, mining, rerank, out, cache, System.out);
        }
    }

    /**
     * Trains and evaluates.
     *
     * @param trainPairs training pairs
     * @param testPairs test pairs (other synsets)
     * @param epochs training epochs
     * @param learningRate Adam's learning rate
     * @param out where the servable goes
     * @param cacheDir where the MiniLM cache persists (a second run skips the encoder)
     * @param print where the report goes
     * @return {base P@1, tuned P@1}
     * @throws IOException when saving fails
     */
    public static double[] run(int trainPairs, int testPairs, int epochs, double learningRate, Path out,
            Path cacheDir, PrintStream print)
            throws IOException {
        return run(trainPairs, testPairs, epochs, learningRate, new Mining(0, 0), false, out, cacheDir, print);
    }

    /**
     * Trains and evaluates, with hard negatives mined from the training words when {@code negatives > 0}.
     *
     * @param trainPairs training pairs
     * @param testPairs test pairs (other synsets)
     * @param epochs training epochs
     * @param learningRate Adam's learning rate
     * @param mining mined negatives per training pair (0: in-batch negatives only) and their margin
     * @param rerank whether to report the tuned retrieval after re-ranking too
     * @param out where the servable goes
     * @param cacheDir where the MiniLM cache persists (a second run skips the encoder)
     * @param print where the report goes
     * @return {base P@1, tuned P@1}
     * @throws IOException when saving fails
     */
    public static double[] run(int trainPairs, int testPairs, int epochs, double learningRate, Mining mining,
            boolean rerank, Path out, Path cacheDir, PrintStream print) throws IOException {
        java.util.Objects.requireNonNull(cacheDir, "cacheDir (the frozen MiniLM's cache)");
        List<List<SimilarityPairSample<String>>> split = split(trainPairs, testPairs, print);
        List<SimilarityPairSample<String>> trainSet = split.get(0);
        List<SimilarityPairSample<String>> testSet = split.get(1);
        try (DefinitionsModel model = new DefinitionsModel(cacheDir, learningRate)) {
            if (mining.negatives() > 0) {
                trainSet = mineNegatives(model.model(), trainSet, mining, print);
            }
            PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(trainSet,
                    LoaderOptions.batchSize(256).withShuffle(42).withDropLast());
            long t0 = System.nanoTime();
            // base: MiniLM alone; the test texts are encoded once and reused for the tuned head
            SimilarityModel<String> similarity = model.model();
            try (NDManager manager = NDManager.newBaseManager()) {
                List<String> definitions = testSet.stream().map(SimilarityPairSample::objA).toList();
                List<String> words = testSet.stream().map(SimilarityPairSample::objB).toList();
                Encoder<String> minilm = similarity.encoders().get("minilm");
                // printed, not logged: under `mvn -q` Maven hides the library's INFO logs, and these steps take minutes
                print.printf(Locale.ROOT, "encoding the %d test texts with MiniLM...%n", 2 * testSet.size());
                NDArray base = encode(minilm, definitions, words, manager);
                double[] before = metrics(base, words, print, "base  (MiniLM int8)");
                print.printf(Locale.ROOT, "training: MiniLM fills the cache with the %d training texts once (or reads "
                        + "it from %s), then %d epochs train the head...%n", 2 * trainSet.size(), cacheDir, epochs);
                Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withEarlyStopping(null),
                        loader, null);
                NDArray tuned = similarity.applyHead(base, null, false);
                double[] after = metrics(tuned, words, print, "tuned (+ SkipConnectionHead)");
                return finish(model, tuned, words, rerank, before, after, t0, out, print);
            }
        }
    }

    /**
     * Mines, for each training definition, the training words MiniLM (with the untrained head) ranks nearest to it,
     * other than its own: ranks 3-30 (the nearest are often synonyms), below 95% of the pair's own similarity.
     */
    /**
     * Hard-negative mining of the example: {@code negatives} per pair (0: none) from ranks 3-30, below
     * {@code relativeMargin} times the pair's own similarity (0: no margin).
     *
     * @param negatives negatives per training pair
     * @param relativeMargin the relative margin, in (0, 1], or 0 for none
     */
    public record Mining(int negatives, double relativeMargin) {}

    private static List<SimilarityPairSample<String>> mineNegatives(SimilarityModel<String> model,
            List<SimilarityPairSample<String>> pairs, Mining mining, PrintStream print) {
        int negatives = mining.negatives();
        print.printf(Locale.ROOT, "mining %d hard negatives per pair among the %d training words...%n", negatives,
                pairs.size());
        HardNegativeMiner.Builder builder = HardNegativeMiner.builder().optNegatives(negatives).optRankRange(3, 30);
        HardNegativeMiner miner = (mining.relativeMargin() > 0 ? builder.optRelativeMargin(mining.relativeMargin())
                : builder).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            HardNegativeMiner.Result<String> mined = miner.mine(pairs, HardNegativeMiner.Embedder.of(model, 256),
                    manager);
            HardNegativeMiner.Stats st = mined.stats();
            print.printf(Locale.ROOT, "mined %d negatives (%d of %d pairs full), %d dropped by the margin; mean "
                    + "similarity %.3f (positives) vs %.3f (negatives)%n", st.negatives(), st.full(), st.pairs(),
                    st.droppedByMargin(), st.meanPositiveScore(), st.meanNegativeScore());
            return mined.samples();
        }
    }

    /** Train and test pairs from interleaved synset blocks, so both cover WordNet's whole noun hierarchy. */
    static List<List<SimilarityPairSample<String>>> split(int trainPairs, int testPairs, PrintStream print) {
        List<SimilarityPairSample<String>> all = WordNetPairs.nouns(trainPairs + testPairs);
        List<SimilarityPairSample<String>> trainSet = new ArrayList<>();
        List<SimilarityPairSample<String>> testSet = new ArrayList<>();
        int stride = Math.max(2, (trainPairs + testPairs) / testPairs);
        for (int i = 0; i < all.size(); i++) {
            (i % stride == stride - 1 && testSet.size() < testPairs ? testSet : trainSet).add(all.get(i));
        }
        print.printf(Locale.ROOT, "WordNet 3.1 nouns: %d training pairs, %d test pairs (unseen synsets)%n",
                trainSet.size(), testSet.size());
        return List.of(trainSet, testSet);
    }

    /**
     * Fine-tunes the whole MiniLM (fp32, on libtorch) with the head, then evaluates as {@link #run} does; the base is
     * the same fp32 MiniLM before training.
     *
     * @param trainPairs training pairs
     * @param testPairs test pairs (other synsets)
     * @param epochs training epochs
     * @param learningRate Adam's learning rate (2e-5 suits a transformer)
     * @param batchSize pairs per step (in-batch negatives)
     * @param out where the servable goes
     * @param print where the report goes
     * @return {base P@1, tuned P@1}
     * @throws IOException when saving fails
     */
    public static double[] runFineTune(int trainPairs, int testPairs, int epochs, double learningRate, int batchSize,
            Path out, PrintStream print) throws IOException {
        return runFineTune(trainPairs, testPairs, epochs, learningRate, batchSize, new Mining(0, 0), 0, false, out,
                print);
    }

    /**
     * Fine-tunes as {@link #runFineTune(int, int, int, double, int, Path, PrintStream)}, with mined negatives,
     * GradCache and re-ranked results when asked.
     *
     * @param trainPairs training pairs
     * @param testPairs test pairs (other synsets)
     * @param epochs training epochs
     * @param learningRate Adam's learning rate
     * @param batchSize pairs per step (in-batch negatives)
     * @param mining negatives per training pair, mined with the untrained model (0: none), and their margin
     * @param gradCache GradCache mini-batch in records (0: off)
     * @param rerank whether to report the fine-tuned retrieval after re-ranking too
     * @param out where the servable goes
     * @param print where the report goes
     * @return {base P@1, tuned P@1}
     * @throws IOException when saving fails
     */
    public static double[] runFineTune(int trainPairs, int testPairs, int epochs, double learningRate, int batchSize,
            Mining mining, int gradCache, boolean rerank, Path out, PrintStream print) throws IOException {
        List<List<SimilarityPairSample<String>>> split = split(trainPairs, testPairs, print);
        List<String> definitions = split.get(1).stream().map(SimilarityPairSample::objA).toList();
        List<String> words = split.get(1).stream().map(SimilarityPairSample::objB).toList();
        List<String> texts = new ArrayList<>(definitions);
        texts.addAll(words);
        try (DefinitionsModel model = new DefinitionsModel(null, learningRate);
                NDManager manager = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            SimilarityModel<String> similarity = model.model();
            // batches of 32: a transformer's activations grow with the batch (attention is B × 12 × L × L)
            NDArray base = encodeInBatches(similarity, texts, manager, false);
            double[] before = metrics(base, words, print, "base  (MiniLM fp32)");
            List<SimilarityPairSample<String>> trainSet = mining.negatives() > 0
                    ? mineNegatives(similarity, split.get(0), mining, print) : split.get(0);
            PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(trainSet,
                    LoaderOptions.batchSize(batchSize).withShuffle(42).withDropLast());
            // the usual transformer fine-tuning recipe: warm-up, cosine decay, gradient norm clipped at 1
            TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(epochs).withEarlyStopping(null)
                    .withGradientClipNorm(1.0).withSchedule(LearningRateSchedule.warmupCosine(10, 0.0));
            Quaterion.fit(model, gradCache > 0 ? config.withGradCache(gradCache) : config, loader, null);
            NDArray tuned = encodeInBatches(similarity, texts, manager, true);
            double[] after = metrics(tuned, words, print, "fine-tuned (MiniLM + head)");
            return finish(model, tuned, words, rerank, before, after, t0, out, print);
        }
    }

    /** Encoder only (base) or encoder + head (tuned), 32 texts per forward pass, each pass in its own scope. */
    private static NDArray encodeInBatches(SimilarityModel<String> model, List<String> texts, NDManager target,
            boolean withHead) {
        Encoder<String> encoder = model.encoders().get("minilm");
        float[][] rows = new float[texts.size()][];
        for (int s = 0; s < texts.size(); s += 32) {
            List<String> part = texts.subList(s, Math.min(texts.size(), s + 32));
            try (NDManager step = model.manager().newSubManager(); ai.djl.ndarray.NDScope scope =
                    new ai.djl.ndarray.NDScope()) {
                NDArray e = encoder.forward(encoder.collate(part, step), false);
                if (withHead) {
                    e = model.applyHead(e, null, false);
                }
                float[] flat = e.toFloatArray();
                int dim = (int) e.getShape().get(1);
                for (int i = 0; i < part.size(); i++) {
                    rows[s + i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
                }
            }
        }
        return target.create(rows);
    }

    static NDArray encode(Encoder<String> encoder, List<String> definitions, List<String> words,
            NDManager manager) {
        List<String> texts = new ArrayList<>(definitions);
        texts.addAll(words);
        NDList parts = new NDList();
        for (int s = 0; s < texts.size(); s += 256) {
            NDArray e = encoder.forward(encoder.collate(texts.subList(s, Math.min(texts.size(), s + 256)), manager),
                    false);
            parts.add(e);
        }
        return NDArrays.concat(parts, 0);
    }

    /** Definition → word retrieval: queries are the definitions, the gallery the distinct words; MRR within 100. */
    /**
     * The metrics after α-query expansion of the exact top 100. (k-reciprocal re-ranking needs every query in the
     * gallery, as in leave-one-out retrieval; definitions are not in the gallery of words.)
     */
    /**
     * Ends a run: prints the reranked metrics when asked for and P@1 before and after with the time taken, saves the
     * servable, and returns P@1 before and after training.
     */
    private static double[] finish(DefinitionsModel model, NDArray tuned, List<String> words, boolean rerank,
            double[] before, double[] after, long t0, Path out, PrintStream print) throws IOException {
        if (rerank) {
            reranked(tuned, words, print);
        }
        print.printf(Locale.ROOT, "P@1 %.3f -> %.3f (%.2fx), %.0f s in all%n", before[0], after[0],
                after[0] / before[0], (System.nanoTime() - t0) / 1e9);
        model.saveServable(out);
        print.println("servable saved to " + out.toAbsolutePath() + " (SimilarityModel.load)");
        return new double[] {before[0], after[0]};
    }

    private static void reranked(NDArray embeddings, List<String> words, PrintStream print) {
        metrics(embeddings, words, print, "  + alpha-QE (1, 0)", new QueryExpansion(1, 0));
        metrics(embeddings, words, print, "  + alpha-QE (2, 3)", new QueryExpansion(2, 3));
    }

    static double[] metrics(NDArray embeddings, List<String> words, PrintStream print, String name) {
        return metrics(embeddings, words, print, name, null);
    }

    private static double[] metrics(NDArray embeddings, List<String> words, PrintStream print, String name,
            Reranking reranking) {
        int n = words.size();
        Map<String, Long> ids = new HashMap<>();
        long[] labels = new long[2 * n];
        boolean[] isQuery = new boolean[2 * n];
        boolean[] isGallery = new boolean[2 * n];
        for (int i = 0; i < n; i++) {
            long id = ids.computeIfAbsent(words.get(i), w -> (long) ids.size());
            labels[i] = id;
            labels[n + i] = id;
            isQuery[i] = true;
            // a word that names several test synsets is one gallery item
            isGallery[n + i] = words.indexOf(words.get(i)) == i;
        }
        RetrievalMetrics m = RetrievalProtocol.queryGallery(new ExactKnn(Distance.cosine()), reranking, embeddings,
                labels, isQuery, isGallery, Math.min(100, n));
        double p1 = m.precisionAt1();
        double mrr = m.meanReciprocalRank();
        double rp = m.rPrecision();
        print.printf(Locale.ROOT, "%-30s P@1 %.3f  MRR %.3f  R-Precision %.3f%n", name, p1, mrr, rp);
        return new double[] {p1, mrr, rp};
    }
}
