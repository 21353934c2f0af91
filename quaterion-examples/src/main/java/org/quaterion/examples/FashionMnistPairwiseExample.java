package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.PairScoreMetrics;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.rerank.pairwise.HardPairs;
import org.quaterion.rerank.pairwise.PairFeatures;
import org.quaterion.rerank.pairwise.PairwiseConfig;
import org.quaterion.rerank.pairwise.PairwiseReranker;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.search.ExactKnn;
import org.quaterion.search.KnnResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/**
 * OML's pairwise re-ranking recipe on Fashion-MNIST's unseen classes: the CNN of {@link FashionMnistExample} is
 * trained on five classes (the first stage); each training image's {@code k} nearest training images by that CNN,
 * and its nearest images of other classes, are its hard pairs (positive when of one class); a pairwise re-ranker
 * (an MLP over {@code |a − b|} and {@code a ⊙ b} of the two embeddings, or of the pixels) is trained on them with
 * binary cross-entropy; then, leave-one-out on the 5,000 test images of the five unseen classes, each query's top
 * n are re-ranked and MAP@R and P@1 (= CMC@1) are reported before and after. Arguments: see {@link Options#parse}.
 */
public final class FashionMnistPairwiseExample {

    private FashionMnistPairwiseExample() {}

    /**
     * The example's settings.
     *
     * @param epochs the CNN's training epochs
     * @param trainImages training images read (about half are of the five training classes)
     * @param k hard pairs per training image from its nearest neighbours
     * @param negatives extra hard pairs per training image: its nearest images of other classes
     * @param topN how many results of each query are re-ranked
     * @param rerankerEpochs the re-ranker's training epochs
     * @param learningRate the re-ranker's Adam learning rate
     * @param hidden the re-ranker's hidden layer width
     * @param features what the re-ranker sees of each image: {@code embedding}, {@code pixels} or {@code both}
     * @param seed seeds the CNN's and the re-ranker's training
     */
    public record Options(int epochs, int trainImages, int k, int negatives, int topN, int rerankerEpochs,
            double learningRate, int hidden, String features, long seed) {

        /** Checks the feature choice. */
        public Options {
            if (!List.of("embedding", "pixels", "both").contains(features)) {
                throw new IllegalArgumentException("--features is embedding, pixels or both; got " + features);
            }
        }

        /**
         * Options from command-line arguments over the defaults: 2 CNN epochs on 20,000 images read (about 10,000
         * of the training classes), 10 nearest and 10 negatives per image, top 20 re-ranked, 3 re-ranker epochs
         * at 1e-3, 100 hidden units, embeddings, seed 42.
         *
         * @param args {@code --epochs E --train-images N --k K --negatives M --top-n N --rr-epochs E --rr-lr LR
         *     --hidden H --features F --seed S}
         * @return the options
         */
        public static Options parse(String... args) {
            Map<String, String> v = new HashMap<>(Map.of("--epochs", "2", "--train-images", "20000", "--k", "10",
                    "--negatives", "10", "--top-n", "20", "--rr-epochs", "3", "--rr-lr", "1e-3", "--hidden", "100",
                    "--features", "embedding", "--seed", "42"));
            for (int i = 0; i < args.length; i += 2) {
                if (!v.containsKey(args[i]) || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown argument or missing value at " + args[i] + ": use "
                            + "--epochs E, --train-images N, --k K, --negatives M, --top-n N, --rr-epochs E, "
                            + "--rr-lr LR, --hidden H, --features embedding|pixels|both, --seed S");
                }
                v.put(args[i], args[i + 1]);
            }
            return new Options(Integer.parseInt(v.get("--epochs")), Integer.parseInt(v.get("--train-images")),
                    Integer.parseInt(v.get("--k")), Integer.parseInt(v.get("--negatives")),
                    Integer.parseInt(v.get("--top-n")), Integer.parseInt(v.get("--rr-epochs")),
                    Double.parseDouble(v.get("--rr-lr")), Integer.parseInt(v.get("--hidden")), v.get("--features"),
                    Long.parseLong(v.get("--seed")));
        }
    }

    /**
     * What a run measured.
     *
     * @param before the first stage's unseen-class retrieval
     * @param after the same after re-ranking each query's top n
     * @param pairAccuracy the re-ranker's accuracy on the unseen classes' hard pairs
     * @param pairMajority the share of the larger kind (positive or negative) among those pairs
     * @param rerankerAuc the re-ranker's ROC-AUC on those pairs
     * @param firstStageAuc the first stage's (cosine similarity's) ROC-AUC on those pairs
     * @param permutations whether every re-ranked list is a permutation of the first stage's
     */
    public record Result(RetrievalMetrics before, RetrievalMetrics after, double pairAccuracy, double pairMajority,
            double rerankerAuc, double firstStageAuc, boolean permutations) {}

    /**
     * Runs the example.
     *
     * @param args see the class comment
     * @throws IOException when the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        run(Options.parse(args), System.out);
    }

    /**
     * Trains both stages and evaluates before and after re-ranking.
     *
     * @param o the settings
     * @param print where the report goes
     * @return the measurements
     * @throws IOException when the data cannot be read
     */
    public static Result run(Options o, PrintStream print) throws IOException {
        long t0 = System.nanoTime();
        float[][] x = FashionMnistExample.images("train", o.trainImages);
        long[] y = FashionMnistExample.labels("train", o.trainImages);
        float[][] tx = FashionMnistExample.images("t10k", -1);
        long[] ty = FashionMnistExample.labels("t10k", -1);
        List<SimilarityGroupSample<float[]>> train = new ArrayList<>();
        List<float[]> trainImages = new ArrayList<>();
        List<float[]> unseen = new ArrayList<>();
        List<Long> unseenLabels = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (seen(y[i])) {
                train.add(new SimilarityGroupSample<>(x[i], y[i]));
                trainImages.add(x[i]);
            }
        }
        for (int i = 0; i < tx.length; i++) {
            if (!seen(ty[i])) {
                unseen.add(tx[i]);
                unseenLabels.add(ty[i]);
            }
        }
        long[] trainLabels = train.stream().mapToLong(SimilarityGroupSample::group).toArray();
        long[] labels = unseenLabels.stream().mapToLong(Long::longValue).toArray();
        print.printf(Locale.ROOT, "Fashion-MNIST: %d training images of 5 classes; %d test images of 5 unseen "
                + "classes%n", train.size(), unseen.size());
        try (FashionMnistExample.Cnn cnn = new FashionMnistExample.Cnn("triplet", 64);
                NDManager manager = NDManager.newBaseManager()) {
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(train,
                    LoaderOptions.batchSize(128).withBatchSampler(new BalanceSampler(
                            GroupSimilarityDataLoader.groupsOf(train), 4, 32, 7)));
            Quaterion.fit(cnn, TrainerConfig.defaults().withMaxEpochs(o.epochs).withEarlyStopping(null)
                    .withSeed(o.seed), loader, null);
            FirstStage first = new FirstStage(cnn.model().encodeToArray(trainImages, 512, manager), trainLabels,
                    trainImages, cnn.model().encodeToArray(unseen, 512, manager), labels, unseen);
            print.printf(Locale.ROOT, "first stage trained in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            return secondStage(o, first, manager, print);
        }
    }

    /**
     * The first stage's output.
     *
     * @param trainEmbeddings the training images' embeddings
     * @param trainLabels their classes
     * @param trainImages their pixels
     * @param unseenEmbeddings the unseen classes' test images' embeddings
     * @param labels their classes
     * @param unseen their pixels
     */
    record FirstStage(NDArray trainEmbeddings, long[] trainLabels, List<float[]> trainImages, NDArray unseenEmbeddings,
            long[] labels, List<float[]> unseen) {}

    /** Mines the hard pairs, trains the re-ranker and evaluates before and after re-ranking. */
    static Result secondStage(Options o, FirstStage s, NDManager manager, PrintStream print) {
        long t1 = System.nanoTime();
        // the first stage's hard pairs on the training classes: each image with its k nearest images and its
        // nearest images of other classes
        HardPairs pairs = HardPairs.mine(s.trainEmbeddings, s.trainLabels, o.k, o.negatives, Distance.cosine());
        NDArray trainFeatures = features(o.features, s.trainEmbeddings, s.trainImages, manager);
        NDArray unseenFeatures = features(o.features, s.unseenEmbeddings, s.unseen, manager);
        PairwiseConfig config = PairwiseConfig.defaults(Math.toIntExact(trainFeatures.getShape().get(1)))
                .withFeatures(PairFeatures.ABS_DIFF, PairFeatures.PRODUCT).withHidden(o.hidden)
                .withTraining(o.learningRate, o.rerankerEpochs, 256).withSeed(o.seed);
        long[] labels = s.labels;
        try (PairwiseReranker reranker = PairwiseReranker.train(config, trainFeatures, pairs)) {
            HardPairs heldOut = HardPairs.mine(s.unseenEmbeddings, labels, o.k, Distance.cosine());
            double accuracy = reranker.accuracy(unseenFeatures, heldOut);
            double majority = Math.max(heldOut.positives(), heldOut.size() - heldOut.positives())
                    / (double) heldOut.size();
            double auc = reranker.evaluate(unseenFeatures, heldOut).rocAuc();
            double cosineAuc = cosineAuc(s.unseenEmbeddings, heldOut, manager);
            long t2 = System.nanoTime();

            long[] self = new long[labels.length];
            Arrays.setAll(self, i -> i);
            KnnResult first = new ExactKnn(Distance.cosine()).search(s.unseenEmbeddings, s.unseenEmbeddings,
                    deepestR(labels), self);
            KnnResult re = reranker.rerank(first, unseenFeatures, unseenFeatures, o.topN);
            RetrievalMetrics before = RetrievalMetrics.of(first, labels, labels, self);
            RetrievalMetrics after = RetrievalMetrics.of(re, labels, labels, self);
            boolean permutations = permutations(first, re);
            long t3 = System.nanoTime();
            print.printf(Locale.ROOT, "hard pairs: %d training (%d positive), %d unseen (%d positive); re-ranker "
                    + "losses %s%n", pairs.size(), pairs.positives(), heldOut.size(), heldOut.positives(),
                    Arrays.toString(reranker.epochLosses()));
            print.printf(Locale.ROOT, "unseen-class hard pairs: re-ranker accuracy %.3f (always-the-majority %.3f), "
                    + "ROC-AUC %.3f (first stage's cosine %.3f)%n", accuracy, majority, auc, cosineAuc);
            report(print, "first stage", before);
            report(print, "re-ranked top-" + o.topN, after);
            print.printf(Locale.ROOT, "every re-ranked list a permutation of the first stage's: %b%n", permutations);
            print.printf(Locale.ROOT, "time: pairs + re-ranker %.0f s, search + re-rank %.1f s%n", (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9);
            return new Result(before, after, accuracy, majority, auc, cosineAuc, permutations);
        }
    }

    private static boolean seen(long label) {
        for (long s : FashionMnistExample.DEFAULT_SEEN) {
            if (s == label) {
                return true;
            }
        }
        return false;
    }

    /** The largest number of other images of one class: MAP@R needs that many results per query. */
    private static int deepestR(long[] labels) {
        Map<Long, Integer> counts = new HashMap<>();
        for (long l : labels) {
            counts.merge(l, 1, Integer::sum);
        }
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(1) - 1;
    }

    /** The re-ranker's input per image: the embedding, the pixels, or both side by side. */
    private static NDArray features(String kind, NDArray embeddings, List<float[]> images, NDManager manager) {
        if ("embedding".equals(kind)) {
            return embeddings;
        }
        NDArray pixels = manager.create(images.toArray(new float[0][]));
        return "pixels".equals(kind) ? pixels : embeddings.concat(pixels, 1);
    }

    /** The ROC-AUC of the first stage's cosine similarity on labelled pairs. */
    private static double cosineAuc(NDArray embeddings, HardPairs pairs, NDManager manager) {
        double[] targets = new double[pairs.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = pairs.target()[i];
        }
        try (NDScope scope = new NDScope()) {
            NDArray a = embeddings.get(manager.create(Arrays.stream(pairs.left()).asLongStream().toArray()));
            NDArray b = embeddings.get(manager.create(Arrays.stream(pairs.right()).asLongStream().toArray()));
            return PairScoreMetrics.of(a, b, Distance.cosine(), targets).rocAuc();
        }
    }

    /** Whether each query's re-ranked list holds exactly the first stage's items. */
    static boolean permutations(KnnResult first, KnnResult re) {
        for (int q = 0; q < first.queries(); q++) {
            long[] a = first.indices()[q].clone();
            long[] b = re.indices()[q].clone();
            Arrays.sort(a);
            Arrays.sort(b);
            if (!Arrays.equals(a, b)) {
                return false;
            }
        }
        return true;
    }

    private static void report(PrintStream print, String name, RetrievalMetrics m) {
        print.printf(Locale.ROOT, "%-18s P@1 %.3f  MAP@R %.4f%n", name, m.precisionAt1(),
                m.meanAveragePrecisionAtR());
    }
}
