package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.ScoredPair;
import org.quaterion.dataset.ScoredPairDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.score.ListwiseCrossEntropyLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.onnx.CrossEncoder;
import org.quaterion.onnx.CrossEncoderModel;
import org.quaterion.onnx.MiniLm;
import org.quaterion.train.LearningRateSchedule;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * Two-stage retrieval on WordNet's definition → word task (unseen synsets): the frozen all-MiniLM-L6-v2 int8
 * bi-encoder retrieves the top-k test words of each test definition, a MiniLM cross-encoder trained here (listwise
 * cross-entropy over each training definition's word and the bi-encoder's hard negatives among the training words)
 * re-ranks them, and a {@code SkipConnectionHead} on the bi-encoder is trained twice with mined negatives: as mined,
 * and with the negatives the cross-encoder scores near or above the right word dropped (likely false negatives).
 * Prints P@1, MRR and recall@k of each. Arguments: {@code --train N --test M --lists L --negatives K --top K
 * --distill N --margin R --seed S --random K --out DIR}; the cross-encoder's learning rate is the system property
 * {@code examples.ce.lr} (1e-4).
 */
public final class WordNetRerankExample {

    private WordNetRerankExample() {}

    /** Retrieval figures: P@1, MRR (full ranking), MRR@10, recall@k. */
    public record Metrics(double p1, double mrr, double mrr10, double recallAtK) {
        String line(String name) {
            return String.format(Locale.ROOT, "%-44s P@1 %.3f  MRR %.3f  MRR@10 %.3f  R@k %.3f", name, p1, mrr,
                    mrr10, recallAtK);
        }
    }

    /**
     * What a run measured.
     *
     * @param firstStage the frozen bi-encoder
     * @param reranked its top-k re-ranked by the cross-encoder
     * @param headMined the bi-encoder + head trained with mined negatives as mined
     * @param headFiltered the same with the negatives the cross-encoder flags dropped
     * @param firstTop each test query's top-k word indices from the first stage
     * @param rerankedTop the same lists in the cross-encoder's order
     * @param trainListAccuracy share of training lists whose word the cross-encoder scores above a random word
     * @param dropped mined negatives dropped by the cross-encoder
     * @param mined mined negatives in all
     */
    public record Result(Metrics firstStage, Metrics reranked, Metrics headMined, Metrics headFiltered,
            int[][] firstTop, int[][] rerankedTop, double trainListAccuracy, int dropped, int mined) {}

    /**
     * The settings of a run.
     *
     * @param train training pairs (synsets)
     * @param test test pairs (other synsets)
     * @param lists training lists for the cross-encoder
     * @param negatives mined negatives per list and per distillation pair
     * @param top first-stage candidates re-ranked per query
     * @param distill training pairs given mined negatives for the bi-encoder head (0: skip the head runs)
     * @param margin a negative is dropped when its cross-encoder score exceeds the right word's minus this
     * @param seed the seed of list sampling and training
     * @param out the working directory (caches)
     * @param random random training words added to each cross-encoder list next to its mined negatives
     */
    public record Options(int train, int test, int lists, int negatives, int top, int distill, double margin,
            long seed, Path out, int random) {

        static Options parse(String[] args) {
            Options o = new Options(4000, 200, 200, 4, 50, 600, 0.0, 42, Path.of("target/wordnet-rerank"), 3);
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i++]) {
                    case "--train" -> o = new Options(Integer.parseInt(v), o.test, o.lists, o.negatives, o.top,
                            o.distill, o.margin, o.seed, o.out, o.random);
                    case "--test" -> o = new Options(o.train, Integer.parseInt(v), o.lists, o.negatives, o.top,
                            o.distill, o.margin, o.seed, o.out, o.random);
                    case "--lists" -> o = new Options(o.train, o.test, Integer.parseInt(v), o.negatives, o.top,
                            o.distill, o.margin, o.seed, o.out, o.random);
                    case "--negatives" -> o = new Options(o.train, o.test, o.lists, Integer.parseInt(v), o.top,
                            o.distill, o.margin, o.seed, o.out, o.random);
                    case "--top" -> o = new Options(o.train, o.test, o.lists, o.negatives, Integer.parseInt(v),
                            o.distill, o.margin, o.seed, o.out, o.random);
                    case "--distill" -> o = new Options(o.train, o.test, o.lists, o.negatives, o.top,
                            Integer.parseInt(v), o.margin, o.seed, o.out, o.random);
                    case "--margin" -> o = new Options(o.train, o.test, o.lists, o.negatives, o.top, o.distill,
                            Double.parseDouble(v), o.seed, o.out, o.random);
                    case "--seed" -> o = new Options(o.train, o.test, o.lists, o.negatives, o.top, o.distill,
                            o.margin, Long.parseLong(v), o.out, o.random);
                    case "--random" -> o = new Options(o.train, o.test, o.lists, o.negatives, o.top, o.distill,
                            o.margin, o.seed, o.out, Integer.parseInt(v));
                    case "--out" -> o = new Options(o.train, o.test, o.lists, o.negatives, o.top, o.distill,
                            o.margin, o.seed, Path.of(v), o.random);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i - 1]
                            + ": use --train N, --test M, --lists L, --negatives K, --top K, --distill N, "
                            + "--margin R, --seed S, --random K, --out DIR");
                }
            }
            return o;
        }
    }

    /** MiniLM (fp32 weights, fully trainable) over (definition, word) pairs with one relevance logit. */
    static final class WordReranker extends TrainableModel<Pair<String, String>> {
        private final double learningRate;

        WordReranker(double learningRate) {
            this.learningRate = learningRate;
        }

        @Override
        protected Map<String, Encoder<Pair<String, String>>> configureEncoders() {
            return Map.of("cross", CrossEncoder.of(MiniLm.trainable().maxLength(48)));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return CrossEncoder.scoringHead(inputSize, 1);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new ListwiseCrossEntropyLoss();
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(learningRate);
        }
    }

    /**
     * Runs the example.
     *
     * @param args see the class comment
     * @throws IOException when a cache cannot be written
     */
    public static void main(String[] args) throws IOException {
        Quaterion.configureEngine(Integer.getInteger("ai.djl.pytorch.num_threads", 2));
        run(Options.parse(args), System.out);
    }

    /**
     * Runs the three stages and prints their figures.
     *
     * @param o the settings
     * @param print where the report goes
     * @return the figures
     * @throws IOException when a cache cannot be written
     */
    public static Result run(Options o, PrintStream print) throws IOException {
        long t0 = System.nanoTime();
        List<List<SimilarityPairSample<String>>> split = WordNetDefinitionsExample.split(o.train, o.test, print);
        List<SimilarityPairSample<String>> trainSet = split.get(0);
        Side train = new Side(split.get(0));
        Side test = new Side(split.get(1));
        try (NDManager manager = NDManager.newBaseManager(); Encoder<String> minilm = MiniLm.int8()) {
            minilm.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32);
            print.printf(Locale.ROOT, "first stage: frozen MiniLM int8 encodes %d texts...%n",
                    train.texts() + test.texts());
            NDArray trainQ = normalize(train.embed(minilm, manager, true));
            NDArray trainG = normalize(train.embed(minilm, manager, false));
            NDArray testRawQ = test.embed(minilm, manager, true);
            NDArray testRawG = test.embed(minilm, manager, false);
            NDArray testQ = normalize(testRawQ);
            NDArray testG = normalize(testRawG);
            int[][] trainTop = top(trainQ, trainG, Math.min(o.negatives + 10, train.words.size()));
            int k = Math.min(o.top, test.words.size());
            int[][] firstTop = top(testQ, testG, k);
            long[] firstRanks = ranks(testQ, testG, test.correct, manager);
            Metrics first = metrics(firstRanks, k);
            print.println(first.line("first stage (MiniLM int8, cosine)"));

            Random random = new Random(o.seed);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < trainSet.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            int lists = Math.min(o.lists, trainSet.size());
            List<ScoredPair<String, String>> pairs = new ArrayList<>();
            for (int l = 0; l < lists; l++) {
                int q = order.get(l);
                pairs.add(new ScoredPair<>(train.definitions.get(q), train.word(q), 1, l));
                for (int neg : train.negatives(q, trainTop[q], 0, o.negatives)) {
                    pairs.add(new ScoredPair<>(train.definitions.get(q), train.words.get(neg), 0, l));
                }
                // random words too: with only the bi-encoder's nearest words as negatives, the cross-encoder learns
                // to prefer words unlike the definition, which the right word often is
                for (int r = 0; r < o.random; r++) {
                    pairs.add(new ScoredPair<>(train.definitions.get(q), train.words.get(randomOther(train, q,
                            random)), 0, l));
                }
            }
            try (WordReranker reranker = new WordReranker(Double.parseDouble(System.getProperty("examples.ce.lr", "1e-4")))) {
                long t1 = System.nanoTime();
                print.printf(Locale.ROOT, "training the cross-encoder on %d lists (%d pairs), 1 epoch...%n", lists,
                        pairs.size());
                Quaterion.fit(reranker, TrainerConfig.defaults().withMaxEpochs(1).withEarlyStopping(null)
                        .withProgressBar(false).withOutputDir(o.out.resolve("cross-encoder"))
                        .withGradientClipNorm(1.0).withSchedule(LearningRateSchedule.warmupCosine(5, 0.0)),
                        new ScoredPairDataLoader<>(pairs, LoaderOptions.batchSize(8).withShuffle(o.seed)), null);
                print.printf(Locale.ROOT, "cross-encoder trained in %.0f s%n", (System.nanoTime() - t1) / 1e9);
                CrossEncoderModel scorer = CrossEncoderModel.of(reranker.model());
                double accuracy = trainListAccuracy(scorer, train, order.subList(0, Math.min(lists, 100)), random);
                print.printf(Locale.ROOT, "the cross-encoder scores the right word above a random training word on "
                        + "%.1f%% of training lists%n", 100 * accuracy);

                long t2 = System.nanoTime();
                int[][] rerankedTop = new int[firstTop.length][];
                long[] rerankedRanks = firstRanks.clone();
                for (int q = 0; q < firstTop.length; q++) {
                    rerankedTop[q] = rerank(scorer, test.definitions.get(q), firstTop[q], test.words);
                    for (int r = 0; r < k; r++) {
                        if (rerankedTop[q][r] == test.correct[q]) {
                            rerankedRanks[q] = r + 1;
                        }
                    }
                }
                Metrics reranked = metrics(rerankedRanks, k);
                print.println(reranked.line("+ cross-encoder re-ranking the top " + k));
                print.printf(Locale.ROOT, "re-ranked %d x %d candidates in %.0f s (recall@%d kept: re-ranking within "
                        + "the top %d reorders, it adds and removes nothing)%n", firstTop.length, k,
                        (System.nanoTime() - t2) / 1e9, k, k);

                Metrics headMined = null;
                Metrics headFiltered = null;
                int dropped = 0;
                int mined = 0;
                if (o.distill > 0) {
                    int n = Math.min(o.distill, trainSet.size());
                    List<SimilarityPairSample<String>> asMined = new ArrayList<>();
                    List<SimilarityPairSample<String>> filtered = new ArrayList<>();
                    print.printf(Locale.ROOT, "the cross-encoder scores %d training pairs' mined negatives...%n", n);
                    for (int i = 0; i < n; i++) {
                        int q = order.get(i);
                        List<Integer> candidates = train.negatives(q, trainTop[q], 0, o.negatives);
                        List<String> docs = new ArrayList<>();
                        docs.add(train.word(q));
                        candidates.forEach(c -> docs.add(train.words.get(c)));
                        float[] s = scorer.score(train.definitions.get(q), docs);
                        List<String> kept = new ArrayList<>();
                        for (int c = 1; c < s.length; c++) {
                            if (s[c] <= s[0] - o.margin) {
                                kept.add(docs.get(c));
                            }
                        }
                        mined += candidates.size();
                        dropped += candidates.size() - kept.size();
                        SimilarityPairSample<String> pair = trainSet.get(q);
                        asMined.add(pair.withNegatives(docs.subList(1, docs.size())));
                        filtered.add(pair.withNegatives(kept));
                    }
                    print.printf(Locale.ROOT, "dropped %d of %d mined negatives (scored above the right word minus "
                            + "%.2f)%n", dropped, mined, o.margin);
                    headMined = trainHead(asMined, testRawQ, testRawG, test, k, o, manager);
                    print.println(headMined.line("bi-encoder + head, mined negatives"));
                    headFiltered = trainHead(filtered, testRawQ, testRawG, test, k, o, manager);
                    print.println(headFiltered.line("bi-encoder + head, cross-encoder-filtered"));
                }
                print.printf(Locale.ROOT, "%.0f s in all%n", (System.nanoTime() - t0) / 1e9);
                return new Result(first, reranked, headMined, headFiltered, firstTop, rerankedTop, accuracy,
                        dropped, mined);
            }
        }
    }

    /** Trains a SkipConnectionHead on the cached frozen MiniLM with the given pairs, then evaluates it. */
    private static Metrics trainHead(List<SimilarityPairSample<String>> pairs, NDArray rawQ, NDArray rawG,
            Side test, int k, Options o, NDManager manager) throws IOException {
        try (WordNetDefinitionsExample.DefinitionsModel model = new WordNetDefinitionsExample.DefinitionsModel(
                o.out.resolve("minilm-cache"), 1e-3)) {
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(10).withEarlyStopping(null)
                    .withProgressBar(false).withOutputDir(o.out.resolve("head")), new PairsSimilarityDataLoader<>(
                            pairs, LoaderOptions.batchSize(Math.min(256, pairs.size())).withShuffle(o.seed)
                                    .withDropLast()), null);
            NDArray q = normalize(model.model().applyHead(rawQ, null, false));
            NDArray g = normalize(model.model().applyHead(rawG, null, false));
            return metrics(ranks(q, g, test.correct, manager), k);
        }
    }

    /** One side of the split: its definitions, its distinct words, and each definition's word index. */
    private static final class Side {
        final List<String> definitions;
        final List<String> words;
        final int[] correct;

        Side(List<SimilarityPairSample<String>> pairs) {
            definitions = pairs.stream().map(SimilarityPairSample::objA).toList();
            Map<String, Integer> index = new LinkedHashMap<>();
            correct = new int[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                correct[i] = index.computeIfAbsent(pairs.get(i).objB(), w -> index.size());
            }
            words = List.copyOf(index.keySet());
        }

        String word(int q) {
            return words.get(correct[q]);
        }

        int texts() {
            return definitions.size() + words.size();
        }

        /** The frozen encoder's outputs of the definitions (queries) or of the distinct words. */
        NDArray embed(Encoder<String> encoder, NDManager manager, boolean queries) {
            return WordNetDefinitionsExample.encode(encoder, queries ? definitions : words, List.of(), manager);
        }

        /** The word indices of a top list other than the query's own, from {@code skip} on, at most {@code n}. */
        List<Integer> negatives(int q, int[] top, int skip, int n) {
            List<Integer> out = new ArrayList<>();
            for (int w : top) {
                if (w != correct[q] && skip-- <= 0 && out.size() < n) {
                    out.add(w);
                }
            }
            return out;
        }
    }

    private static NDArray normalize(NDArray e) {
        return e.div(e.norm(new int[] {1}, true).maximum(1e-12f));
    }

    /** Each query's top-k gallery indices by cosine (inputs normalised). */
    private static int[][] top(NDArray q, NDArray g, int k) {
        NDArray idx = q.matMul(g.transpose()).neg().argSort(1).get(":, 0:" + k);
        long[] flat = idx.toLongArray();
        int rows = (int) q.getShape().get(0);
        int[][] out = new int[rows][k];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = (int) flat[i * k + j];
            }
        }
        return out;
    }

    /** The 1-based rank of each query's right word among all gallery words (ties count against it). */
    private static long[] ranks(NDArray q, NDArray g, int[] correct, NDManager manager) {
        NDArray sims = q.matMul(g.transpose());
        NDArray right = q.mul(g.get(manager.create(correct))).sum(new int[] {1}, true);
        return sims.gt(right).sum(new int[] {1}).add(1).toType(ai.djl.ndarray.types.DataType.INT64, false)
                .toLongArray();
    }

    private static Metrics metrics(long[] ranks, int k) {
        double p1 = 0;
        double mrr = 0;
        double mrr10 = 0;
        double recall = 0;
        for (long r : ranks) {
            p1 += r == 1 ? 1 : 0;
            mrr += 1.0 / r;
            mrr10 += r <= 10 ? 1.0 / r : 0;
            recall += r <= k ? 1 : 0;
        }
        int n = ranks.length;
        return new Metrics(p1 / n, mrr / n, mrr10 / n, recall / n);
    }

    /** The candidates in the cross-encoder's order (highest score first; ties keep the first stage's order). */
    static int[] rerank(CrossEncoderModel scorer, String query, int[] candidates, List<String> words) {
        List<String> docs = new ArrayList<>();
        for (int c : candidates) {
            docs.add(words.get(c));
        }
        float[] s = scorer.score(query, docs);
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < candidates.length; i++) {
            positions.add(i);
        }
        positions.sort((a, b) -> Float.compare(s[b], s[a]));
        return positions.stream().mapToInt(p -> candidates[p]).toArray();
    }

    /** A random word index other than query {@code q}'s word. */
    private static int randomOther(Side train, int q, Random random) {
        int other;
        do {
            other = random.nextInt(train.words.size());
        } while (other == train.correct[q]);
        return other;
    }

    /** The share of training lists whose right word the cross-encoder scores above a random training word. */
    private static double trainListAccuracy(CrossEncoderModel scorer, Side train, List<Integer> queries,
            Random random) {
        int wins = 0;
        for (int q : queries) {
            int other = randomOther(train, q, random);
            float[] s = scorer.score(train.definitions.get(q), List.of(train.word(q), train.words.get(other)));
            wins += s[0] > s[1] ? 1 : 0;
        }
        return (double) wins / queries.size();
    }
}
