package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.quaterion.classify.KnnClassifier;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.loss.SoftmaxLoss;
import org.quaterion.models.classify.LinearClassifier;
import org.quaterion.probe.LinearProbe;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainerConfig;

/**
 * The Fashion-MNIST classification study of docs/examples.md: the same small CNN ({@link FashionMnistExample.Cnn}, 64
 * dimensions) and the same epochs for every row, on all ten classes; test accuracy of the network's softmax (for
 * cross-entropy), of a kNN classifier on its embeddings (the training images as gallery, 10 neighbours, distance
 * weighted) and of a linear probe on the frozen embeddings. Arguments: {@code --rows ce,supcon,triplet,arcface
 * --epochs E --train N --augment}. With {@code --augment} (the default for supcon) each training image gives two
 * augmented views (random resized crop, flip, shift, erasing).
 */
public final class FashionMnistStudy {

    private FashionMnistStudy() {}

    /**
     * Runs the study.
     *
     * @param args see the class comment
     * @throws IOException when the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> rows = List.of("ce", "supcon", "triplet", "arcface");
        int epochs = 5;
        int train = 20_000;
        boolean augmentAll = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = List.of(args[++i].split(","));
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--train" -> train = Integer.parseInt(args[++i]);
                case "--augment" -> augmentAll = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --rows ce,supcon,triplet,arcface, --epochs E, --train N, --augment");
            }
        }
        PrintStream out = System.out;
        out.println("| training | views | softmax acc. | kNN acc. | linear probe acc. | minutes |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (String row : rows) {
            double[] r = run(row, epochs, train, augmentAll || row.equals("supcon"), out);
            out.printf(Locale.ROOT, "| %s, %d epochs | %d | %s | %.4f | %.4f | %.1f |%n", row, epochs, (int) r[4],
                    Double.isNaN(r[0]) ? "—" : String.format(Locale.ROOT, "%.4f", r[0]), r[1], r[2], r[3]);
        }
    }

    /**
     * Trains one row and measures it.
     *
     * @param loss the CNN's loss ({@code ce}, {@code supcon}, {@code triplet}, {@code arcface})
     * @param epochs training epochs
     * @param trainImages training images (of 60,000)
     * @param augment whether to train on two augmented views of each image
     * @param print where progress goes
     * @return {softmax accuracy (NaN without one), kNN accuracy, linear-probe accuracy, minutes, views}
     * @throws IOException when the data cannot be read
     */
    public static double[] run(String loss, int epochs, int trainImages, boolean augment, PrintStream print)
            throws IOException {
        long t0 = System.nanoTime();
        float[][] x = FashionMnistExample.images("train", trainImages);
        long[] y = FashionMnistExample.labels("train", trainImages);
        float[][] tx = FashionMnistExample.images("t10k", -1);
        long[] ty = FashionMnistExample.labels("t10k", -1);
        List<SimilarityGroupSample<float[]>> train = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            train.add(new SimilarityGroupSample<>(x[i], y[i]));
        }
        int views = augment ? 2 : 1;
        try (FashionMnistExample.Cnn model = new FashionMnistExample.Cnn(loss, 64);
                NDManager manager = NDManager.newBaseManager()) {
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(train,
                    LoaderOptions.batchSize(128 / views).withBatchSampler(new BalanceSampler(
                            GroupSimilarityDataLoader.groupsOf(train), 8, 16 / views, 7)));
            if (augment) {
                loader = loader.withAugmentation(FashionMnistExample.augmentation(), 2, 11);
            }
            print.printf(Locale.ROOT, "%s: training the CNN for %d epochs on %d images (%d view(s) each)...%n", loss,
                    epochs, train.size(), views);
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withEarlyStopping(null)
                    .withProgressBar(false), loader, null);
            NDArray trainEmbeddings = model.model().encodeToArray(Arrays.asList(x), 512, manager);
            NDArray testEmbeddings = model.model().encodeToArray(Arrays.asList(tx), 512, manager);
            double softmax = Double.NaN;
            if (model.loss() instanceof SoftmaxLoss s) {
                // the network's own classifier: argmax of the class weights' logits
                NDArray logits = testEmbeddings.matMul(s.weights().getArray().transpose());
                long[] predicted = logits.argMax(1).toLongArray();
                softmax = accuracy(predicted, ty);
            }
            double knn;
            try (KnnClassifier classifier = KnnClassifier.of(trainEmbeddings, y, Distance.cosine(), 10,
                    KnnClassifier.Vote.DISTANCE_WEIGHTED)) {
                knn = classifier.evaluate(testEmbeddings, ty).accuracy();
            }
            LinearProbe.Result probe = LinearProbe.fit(model.model(), train, null, TrainerConfig.defaults()
                    .withMaxEpochs(20).withEarlyStopping(null).withProgressBar(false), 256, 1e-2);
            LinearClassifier.Prediction[] p = probe.classifier().classify(testEmbeddings);
            long[] probed = Arrays.stream(p).mapToLong(LinearClassifier.Prediction::label).toArray();
            double linear = accuracy(probed, ty);
            double minutes = (System.nanoTime() - t0) / 60e9;
            print.printf(Locale.ROOT, "%s: softmax %.4f, kNN %.4f, linear probe %.4f (%.1f min)%n", loss, softmax, knn,
                    linear, minutes);
            return new double[] {softmax, knn, linear, minutes, views};
        }
    }

    private static double accuracy(long[] predicted, long[] truth) {
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += predicted[i] == truth[i] ? 1 : 0;
        }
        return (double) right / truth.length;
    }
}
