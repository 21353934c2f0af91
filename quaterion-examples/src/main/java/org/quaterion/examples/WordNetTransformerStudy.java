package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.Prompts;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.negatives.HardNegativeMiner;
import org.quaterion.onnx.E5Small;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.TextBatching;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.sampler.NoDuplicatesBatchSampler;
import org.quaterion.train.LearningRateSchedule;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * Fine-tunes a whole transformer (all-MiniLM-L6-v2 or e5-small-v2, or any Hugging Face BERT-family directory) on
 * WordNet definition → word retrieval, as sentence-transformers users do: no head, symmetric
 * {@code MultipleNegativesRankingLoss} (scale 20, cosine), warm-up and cosine decay. The test set is fixed: every
 * ninth of the first 9,000 noun synsets (1,000 pairs, the same as {@link WordNetDefinitionsExample}'s); training
 * takes the first {@code --train} of the other synsets. Prints P@1, MRR and R-Precision before and after. Arguments:
 * {@code --model minilm|e5|DIR --train N --epochs E --lr R --batch B --max-length L --lora R --freeze-layers N
 * --negatives K --no-duplicates --prompts --freeze-tokens --skip-head --test M --out DIR}.
 */
public final class WordNetTransformerStudy {

    private static final int TEST_SPAN = 9000;
    private static final int TEST_STRIDE = 9;

    private WordNetTransformerStudy() {}

    /**
     * The study's settings.
     *
     * @param model minilm, e5, or a Hugging Face directory
     * @param trainPairs training pairs
     * @param epochs epochs
     * @param learningRate Adam's peak learning rate
     * @param batchSize pairs per step
     * @param maxLength tokens per text
     * @param loraRank LoRA rank (0: full fine-tuning)
     * @param frozenLayers lowest layers kept fixed (full fine-tuning)
     * @param out where the servable goes (null: not saved)
     * @param noDuplicates whether batches come from a {@code NoDuplicatesBatchSampler}
     * @param negatives hard negatives mined per pair with the base model (0: in-batch negatives only)
     * @param prompts whether definitions get e5's "query: " and words its "passage: " prefix
     * @param freezeTokens whether the token embedding table stays fixed (full fine-tuning)
     * @param testPairs test pairs: the first of the fixed 1,000 (fewer for a quick run)
     * @param skipHead whether a trainable {@code SkipConnectionHead} sits on the transformer (else none)
     */
    public record Options(String model, int trainPairs, int epochs, double learningRate, int batchSize, int maxLength,
            int loraRank, int frozenLayers, Path out, boolean noDuplicates, int negatives, boolean prompts,
            boolean freezeTokens, int testPairs, boolean skipHead) {

        static Options parse(String[] args) {
            Map<String, String> a = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (List.of("--no-duplicates", "--prompts", "--freeze-tokens", "--skip-head").contains(args[i])) {
                    a.put(args[i].substring(2), "true");
                } else if (args[i].startsWith("--") && i + 1 < args.length && List.of("model", "train", "epochs", "lr",
                        "batch", "max-length", "lora", "freeze-layers", "out", "negatives", "test").contains(
                                args[i].substring(2))) {
                    a.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + args[i] + ": use --model minilm|e5|DIR, "
                            + "--train N, --epochs E, --lr R, --batch B, --max-length L, --lora R, --freeze-layers N, "
                            + "--negatives K, --no-duplicates, --prompts, --freeze-tokens, --skip-head, --test M, "
                            + "--out DIR");
                }
            }
            return new Options(a.getOrDefault("model", "minilm"), Integer.parseInt(a.getOrDefault("train", "8000")),
                    Integer.parseInt(a.getOrDefault("epochs", "1")), Double.parseDouble(a.getOrDefault("lr", "5e-5")),
                    Integer.parseInt(a.getOrDefault("batch", "32")), Integer.parseInt(a.getOrDefault("max-length", "64")),
                    Integer.parseInt(a.getOrDefault("lora", "0")), Integer.parseInt(a.getOrDefault("freeze-layers", "0")),
                    a.containsKey("out") ? Path.of(a.get("out")) : null, a.containsKey("no-duplicates"),
                    Integer.parseInt(a.getOrDefault("negatives", "0")), a.containsKey("prompts"),
                    a.containsKey("freeze-tokens"), Integer.parseInt(a.getOrDefault("test", "1000")),
                    a.containsKey("skip-head"));
        }

        TrainableTransformer encoder() {
            TrainableTransformer.Builder b = switch (model) {
                case "minilm" -> MiniLm.trainable();
                case "e5" -> E5Small.trainable();
                default -> TrainableTransformer.fromHuggingFace(Path.of(model));
            };
            b.maxLength(maxLength).batching(TextBatching.PADDED); // padded batches: faster evaluation
            if (loraRank > 0) {
                b.lora(LoraConfig.of(loraRank).withTargets(LoraConfig.Target.QUERY, LoraConfig.Target.KEY,
                        LoraConfig.Target.VALUE, LoraConfig.Target.ATTENTION_OUTPUT, LoraConfig.Target.INTERMEDIATE,
                        LoraConfig.Target.OUTPUT));
            } else if (frozenLayers > 0) {
                b.freezeLowestLayers(frozenLayers);
            }
            if (freezeTokens) {
                b.freezeTokenEmbeddings(true);
            }
            return b.build();
        }
    }

    /** The transformer (with an optional skip-connection head), symmetric MNR. */
    static final class TransformerModel extends TrainableModel<String> {
        private final Options options;

        TransformerModel(Options options) {
            this.options = options;
        }

        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("text", options.encoder());
        }

        @Override
        protected Prompts configurePrompts() {
            return options.prompts() ? Prompts.of(E5Small.QUERY_PROMPT, E5Small.PASSAGE_PROMPT) : Prompts.NONE;
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return options.skipHead() ? new SkipConnectionHead(inputSize) : new EmptyHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return MultipleNegativesRankingLoss.builder().optScale(20).optDistance(Distance.cosine()).optSymmetric(true)
                    .build();
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(options.learningRate());
        }
    }

    /**
     * Runs the study.
     *
     * @param args see the class comment
     * @throws IOException when saving fails
     */
    public static void main(String[] args) throws IOException {
        Quaterion.configureEngine(Integer.getInteger("ai.djl.pytorch.num_threads", 2));
        run(Options.parse(args), System.out);
    }

    /**
     * Trains and evaluates.
     *
     * @param o the settings
     * @param print where the report goes
     * @return {base P@1, tuned P@1}
     * @throws IOException when saving fails
     */
    public static double[] run(Options o, PrintStream print) throws IOException {
        List<SimilarityPairSample<String>> all = WordNetPairs.nouns(TEST_SPAN + o.trainPairs() + o.trainPairs() / 8);
        List<SimilarityPairSample<String>> train = new ArrayList<>();
        List<SimilarityPairSample<String>> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i < TEST_SPAN && i % TEST_STRIDE == TEST_STRIDE - 1) {
                if (test.size() < o.testPairs()) {
                    test.add(all.get(i));
                }
            } else if (train.size() < o.trainPairs()) {
                train.add(all.get(i));
            }
        }
        print.printf(Locale.ROOT, "WordNet 3.1 nouns: %d training pairs, %d test pairs (unseen synsets); %s%n",
                train.size(), test.size(), o);
        List<String> definitions = test.stream().map(SimilarityPairSample::objA).toList();
        List<String> words = test.stream().map(SimilarityPairSample::objB).toList();
        long t0 = System.nanoTime();
        try (TransformerModel model = new TransformerModel(o); NDManager manager = NDManager.newBaseManager()) {
            double[] before = evaluate(model.model(), definitions, words, manager, print, "base");
            if (o.trainPairs() == 0) {
                return new double[] {before[0], before[0]}; // --train 0: the base model only
            }
            if (o.negatives() > 0) {
                train = mineNegatives(model.model(), train, o.negatives(), print);
            }
            LoaderOptions options = LoaderOptions.batchSize(o.batchSize()).withShuffle(42).withDropLast();
            if (o.noDuplicates()) {
                options = options.withBatchSampler(NoDuplicatesBatchSampler.builder(train,
                        SimilarityPairSample::records, o.batchSize()).optSeed(42).optDropLast(true).build());
            }
            PairsSimilarityDataLoader<String> loader = new PairsSimilarityDataLoader<>(train, options);
            TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(o.epochs()).withEarlyStopping(null)
                    .withGradientClipNorm(1.0).withSchedule(LearningRateSchedule.warmupCosine(
                            Math.max(1, train.size() / o.batchSize() / 10), 0.0));
            long t1 = System.nanoTime();
            Quaterion.fit(model, config, loader, null);
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            double[] after = evaluate(model.model(), definitions, words, manager, print, "fine-tuned");
            print.printf(Locale.ROOT, "P@1 %.3f -> %.3f (%.2fx), MRR %.3f -> %.3f; training %.0f s, %.0f s in all%n",
                    before[0], after[0], after[0] / before[0], before[1], after[1], trainSeconds,
                    (System.nanoTime() - t0) / 1e9);
            if (o.out() != null) {
                model.saveServable(o.out());
                print.println("servable saved to " + o.out().toAbsolutePath() + " (SimilarityModel.load)");
            }
            return new double[] {before[0], after[0]};
        }
    }

    /** Mines {@code k} negatives per pair among the training words with the base model: ranks 3-30, below 95%. */
    private static List<SimilarityPairSample<String>> mineNegatives(SimilarityModel<String> model,
            List<SimilarityPairSample<String>> pairs, int k, PrintStream print) {
        HardNegativeMiner miner = HardNegativeMiner.builder().optNegatives(k).optRankRange(3, 30)
                .optRelativeMargin(0.95).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            HardNegativeMiner.Result<String> mined = miner.mine(pairs, HardNegativeMiner.Embedder.of(model, 64),
                    manager);
            print.printf(Locale.ROOT, "mined %d negatives for %d pairs%n", mined.stats().negatives(), pairs.size());
            return mined.samples();
        }
    }

    private static double[] evaluate(SimilarityModel<String> model, List<String> definitions, List<String> words,
            NDManager manager, PrintStream print, String name) {
        float[][] queries = model.encodeQueries(definitions, 64);
        float[][] documents = model.encodeDocuments(words, 64);
        float[][] rows = java.util.Arrays.copyOf(queries, queries.length + documents.length);
        System.arraycopy(documents, 0, rows, queries.length, documents.length);
        NDArray embeddings = manager.create(rows);
        return WordNetDefinitionsExample.metrics(embeddings, words, print, name);
    }
}
