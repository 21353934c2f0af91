package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.IdxFiles;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.RetrievalProtocol;
import org.quaterion.loss.ArcFaceLoss;
import org.quaterion.loss.ContrastiveLoss;
import org.quaterion.loss.MultiSimilarityLoss;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.SupConLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.search.ExactKnn;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/**
 * Image groups (the cars tutorial, on Fashion-MNIST from Debian's {@code dataset-fashion-mnist}): a small CNN trained
 * with {@code TripletLoss(hard)} and a {@code BalanceSampler} on five classes (trouser, dress, sandal, sneaker,
 * ankle boot), evaluated leave-one-out on the five unseen classes of the test set (T-shirt, pullover, coat, shirt,
 * bag). Prints P@1 and MAP@R of raw pixels, of the untrained CNN and of the trained CNN. Arguments:
 * {@code --epochs E --train-images N}.
 */
public final class FashionMnistExample {

    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The classes trained on by default: trouser, dress, sandal, sneaker, ankle boot. */
    static final long[] DEFAULT_SEEN = {1, 3, 5, 7, 9};

    private FashionMnistExample() {}

    /**
     * Images of a split of Debian's Fashion-MNIST, flattened 28 × 28.
     *
     * @param split {@code train} or {@code t10k}
     * @param n how many, or -1 for all
     * @return the images
     * @throws IOException when the file cannot be read
     */
    static float[][] images(String split, int n) throws IOException {
        return IdxFiles.images(DIR.resolve(split + "-images-idx3-ubyte.gz"), n);
    }

    /**
     * Labels of a split of Debian's Fashion-MNIST.
     *
     * @param split {@code train} or {@code t10k}
     * @param n how many, or -1 for all
     * @return the labels
     * @throws IOException when the file cannot be read
     */
    static long[] labels(String split, int n) throws IOException {
        return IdxFiles.labels(DIR.resolve(split + "-labels-idx1-ubyte.gz"), n);
    }

    /**
     * The examples' training augmentation: random resized crop (area ≥ 0.6), flip, a shift of up to 2 pixels and
     * random erasing (p 0.25).
     *
     * @return the augmentation
     */
    static org.quaterion.augment.ImageAugmentation augmentation() {
        return org.quaterion.augment.ImageAugmentation.builder(28, 28, 1).optRandomResizedCrop(0.6)
                .optHorizontalFlip(0.5).optTranslate(2).optRandomErasing(0.25, 0.02, 0.2).build();
    }

    /** CNN: two 3 × 3 convolutions with max pooling, a linear embedding, L2-normalised. */
    static final class Cnn extends TrainableModel<float[]> {
        private final String loss;
        private final int dim;

        Cnn(String loss, int dim) {
            this.loss = loss;
            this.dim = dim;
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            SequentialBlock block = new SequentialBlock()
                    .add(new LambdaBlock(list -> new NDList(list.head().reshape(-1, 1, 28, 28))))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).optPadding(new Shape(1, 1))
                            .build())
                    .add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).optPadding(new Shape(1, 1))
                            .build())
                    .add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(dim).build());
            return Map.of("cnn", BlockEncoder.<float[]>builder().setTypeName("fashion-cnn").setBlock(block)
                    .setCollator(Collators.floatVectors()).setEmbeddingSize(dim).optTrainable(true)
                    .optInputShapes(new Shape(1, 784)).build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new NormalizeHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return switch (loss) {
                case "triplet" -> new TripletLoss();
                case "supcon" -> SupConLoss.builder().optTemperature(0.1).optDistance(Distance.cosine()).build();
                case "ms" -> new MultiSimilarityLoss();
                case "contrastive" -> new ContrastiveLoss();
                case "arcface" -> ArcFaceLoss.builder().setNumClasses(10).setEmbeddingSize(dim).optScale(30)
                        .optMargin(0.3).build();
                // cross-entropy of the network: softmax over the class weights and the normalised embedding / 0.05
                case "ce" -> org.quaterion.loss.SoftmaxLoss.builder().setNumClasses(10).setEmbeddingSize(dim).build();
                default -> throw new IllegalArgumentException("unknown loss " + loss
                        + ": use triplet, supcon, ms, contrastive, arcface or ce");
            };
        }
    }

    /**
     * Runs the example.
     *
     * @param args see the class comment
     * @throws IOException when the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        int epochs = 6;
        int images = 60_000;
        String loss = "triplet";
        int dim = 64;
        long[] seen = DEFAULT_SEEN;
        boolean rerank = false;
        boolean augment = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--train-images" -> images = Integer.parseInt(args[++i]);
                case "--loss" -> loss = args[++i];
                case "--dim" -> dim = Integer.parseInt(args[++i]);
                case "--seen" -> seen = java.util.Arrays.stream(args[++i].split(",")).mapToLong(Long::parseLong)
                        .toArray();
                case "--rerank" -> rerank = true;
                case "--augment" -> augment = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --epochs E, --train-images N, --loss L, --dim D, --seen a,b,c, --rerank, --augment");
            }
        }
        run(epochs, images, loss, dim, seen, rerank, augment, System.out);
    }

    /**
     * Trains and evaluates.
     *
     * @param epochs training epochs
     * @param trainImages training images read (of 60,000; about half are of the seen classes)
     * @param print where the report goes
     * @return {raw-pixel MAP@R, tuned MAP@R} on the unseen classes
     * @throws IOException when the data cannot be read
     */
    public static double[] run(int epochs, int trainImages, String loss, int dim, long[] seen, PrintStream print)
            throws IOException {
        return run(epochs, trainImages, loss, dim, seen, false, false, print);
    }

    /**
     * Trains and evaluates, and with {@code rerank} also reports the trained CNN's retrieval after α-query expansion
     * and after k-reciprocal re-ranking.
     *
     * @param epochs training epochs
     * @param trainImages training images read
     * @param loss the loss name
     * @param dim the embedding size
     * @param seen the training classes
     * @param rerank whether to report the re-ranked metrics too
     * @param augment whether to train on augmented images (crop, flip, shift, erasing)
     * @param print where the report goes
     * @return {raw-pixel MAP@R, tuned MAP@R} on the unseen classes
     * @throws IOException when the data cannot be read
     */
    public static double[] run(int epochs, int trainImages, String loss, int dim, long[] seen, boolean rerank,
            boolean augment, PrintStream print) throws IOException {
        float[][] x = images("train", trainImages);
        long[] y = labels("train", trainImages);
        float[][] tx = images("t10k", -1);
        long[] ty = labels("t10k", -1);
        List<SimilarityGroupSample<float[]>> train = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (contains(seen, y[i])) {
                train.add(new SimilarityGroupSample<>(x[i], y[i]));
            }
        }
        List<float[]> unseen = new ArrayList<>();
        List<Long> unseenLabels = new ArrayList<>();
        for (int i = 0; i < tx.length; i++) {
            if (!contains(seen, ty[i])) {
                unseen.add(tx[i]);
                unseenLabels.add(ty[i]);
            }
        }
        long[] labels = unseenLabels.stream().mapToLong(Long::longValue).toArray();
        print.printf(Locale.ROOT, "Fashion-MNIST: %d training images of 5 classes; %d test images of 5 unseen "
                + "classes%n", train.size(), unseen.size());
        try (Cnn model = new Cnn(loss, dim); NDManager manager = NDManager.newBaseManager()) {
            RetrievalMetrics raw = metrics(manager.create(unseen.toArray(new float[0][])), labels);
            report(print, "raw pixels", raw);
            report(print, "untrained CNN", metrics(model.model().encodeToArray(unseen, 512, manager), labels));
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(train,
                    LoaderOptions.batchSize(128).withBatchSampler(new BalanceSampler(
                            GroupSimilarityDataLoader.groupsOf(train), 4, 32, 7)));
            if (augment) {
                loader = loader.withAugmentation(augmentation(), 1, 11);
            }
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withEarlyStopping(null), loader,
                    null);
            NDArray tunedEmbeddings = model.model().encodeToArray(unseen, 512, manager);
            RetrievalMetrics tuned = metrics(tunedEmbeddings, labels);
            report(print, "trained CNN", tuned);
            if (rerank) {
                org.quaterion.eval.EmbeddedSample sample = org.quaterion.eval.EmbeddedSample.ofGroups(tunedEmbeddings,
                        labels, null);
                for (org.quaterion.eval.Reranking r : List.of(new org.quaterion.eval.QueryExpansion(2, 3),
                        org.quaterion.eval.KReciprocalReranking.defaults())) {
                    long t0 = System.nanoTime();
                    RetrievalMetrics m = sample.retrieval(Distance.cosine(), r);
                    report(print, r instanceof org.quaterion.eval.QueryExpansion ? " + alpha-QE" : " + k-reciprocal",
                            m);
                    print.printf(Locale.ROOT, "%14s (%.1f s)%n", "", (System.nanoTime() - t0) / 1e9);
                }
            }
            print.printf(Locale.ROOT, "unseen-class MAP@R: %.2fx the raw-pixel baseline%n",
                    tuned.meanAveragePrecisionAtR() / raw.meanAveragePrecisionAtR());
            return new double[] {raw.meanAveragePrecisionAtR(), tuned.meanAveragePrecisionAtR()};
        }
    }

    private static boolean contains(long[] classes, long label) {
        for (long s : classes) {
            if (s == label) {
                return true;
            }
        }
        return false;
    }

    private static RetrievalMetrics metrics(NDArray embeddings, long[] labels) {
        return RetrievalProtocol.leaveOneOut(new ExactKnn(Distance.cosine()), embeddings, labels, 0);
    }

    private static void report(PrintStream print, String name, RetrievalMetrics m) {
        print.printf(Locale.ROOT, "%-14s P@1 %.3f  MAP@R %.3f%n", name, m.precisionAt1(),
                m.meanAveragePrecisionAtR());
    }
}
