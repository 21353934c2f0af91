package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.IdxFiles;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.RetrievalProtocol;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.TripletLoss;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.sampler.BalanceSampler;
import org.quaterion.search.ExactKnn;

/**
 * End to end on real data: a small CNN trained with {@code TripletLoss(hard)} and a {@code BalanceSampler} on five
 * Fashion-MNIST classes, compared with the same network untrained: new images of the trained classes are retrieved
 * much better (P@1 and MAP@R), and the five unseen classes' MAP@R improves. P@1 on unseen classes does not improve
 * in this short run (see docs/training.md), so it is reported, not asserted. Needs Debian's
 * {@code dataset-fashion-mnist} ({@code .ci/run} installs it): skipped locally without it, a failure under
 * {@code CI=true}.
 */
class FashionMnistTrainingTest {

    private static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Trained on trouser, dress, sandal, sneaker, ankle boot; unseen: T-shirt, pullover, coat, shirt, bag. */
    private static final long[] SEEN = {1, 3, 5, 7, 9};

    /** A small trainable CNN over 28 × 28 pixels: two 3 × 3 convolutions with max-pooling, then 64 dimensions. */
    static final class Cnn extends TrainableModel<float[]> {
        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            SequentialBlock block = new SequentialBlock()
                    .add(new LambdaBlock(list -> new NDList(list.head().reshape(-1, 1, 28, 28))))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(16).optPadding(new Shape(1, 1))
                            .build())
                    .add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).optPadding(new Shape(1, 1))
                            .build())
                    .add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                    .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(64).build());
            return Map.of("mlp", BlockEncoder.<float[]>builder().setTypeName("mlp").setBlock(block)
                    .setCollator(Collators.floatVectors()).setEmbeddingSize(64).optTrainable(true)
                    .optInputShapes(new Shape(1, 784)).build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new EmptyHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new TripletLoss();
        }
    }

    @Test
    void trainingImprovesRetrievalOfUnseenClasses() throws Exception {
        boolean present = Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("Fashion-MNIST is missing under CI: .ci/run must apt-get install "
                    + "dataset-fashion-mnist");
        }
        assumeTrue(present, "Fashion-MNIST not installed: run `apt-get install -y dataset-fashion-mnist` "
                + "(files in " + DIR + ")");
        float[][] trainImages = IdxFiles.images(DIR.resolve("train-images-idx3-ubyte.gz"), 12_000);
        long[] trainLabels = IdxFiles.labels(DIR.resolve("train-labels-idx1-ubyte.gz"), 12_000);
        float[][] testImages = IdxFiles.images(DIR.resolve("t10k-images-idx3-ubyte.gz"), 3_000);
        long[] testLabels = IdxFiles.labels(DIR.resolve("t10k-labels-idx1-ubyte.gz"), 3_000);
        List<SimilarityGroupSample<float[]>> train = new ArrayList<>();
        for (int i = 0; i < trainImages.length; i++) {
            if (seen(trainLabels[i])) {
                train.add(new SimilarityGroupSample<>(trainImages[i], trainLabels[i]));
            }
        }
        List<float[]> unseen = new ArrayList<>();
        List<Long> unseenLabels = new ArrayList<>();
        List<float[]> heldOut = new ArrayList<>();
        List<Long> heldOutLabels = new ArrayList<>();
        for (int i = 0; i < testImages.length; i++) {
            (seen(testLabels[i]) ? heldOut : unseen).add(testImages[i]);
            (seen(testLabels[i]) ? heldOutLabels : unseenLabels).add(testLabels[i]);
        }
        long[] unseenL = unseenLabels.stream().mapToLong(Long::longValue).toArray();
        long[] heldOutL = heldOutLabels.stream().mapToLong(Long::longValue).toArray();
        try (Cnn model = new Cnn()) {
            TrainerConfig config = TrainerConfig.defaults().withMaxEpochs(4).withProgressBar(false).withSeed(7);
            model.build(config.device(), config.seed());
            RetrievalMetrics unseenBefore = metrics(model, unseen, unseenL);
            RetrievalMetrics heldOutBefore = metrics(model, heldOut, heldOutL);
            GroupSimilarityDataLoader<float[]> loader = new GroupSimilarityDataLoader<>(train,
                    LoaderOptions.batchSize(64).withBatchSampler(new BalanceSampler(
                            GroupSimilarityDataLoader.groupsOf(train), 4, 16, 7)));
            FitResult result = Quaterion.fit(model, config, loader, null);
            RetrievalMetrics unseenAfter = metrics(model, unseen, unseenL);
            RetrievalMetrics heldOutAfter = metrics(model, heldOut, heldOutL);
            System.out.printf("Fashion-MNIST, CNN + TripletLoss(hard) + BalanceSampler, %d steps, train loss %.4f -> "
                    + "%.4f%n  seen classes, held-out images (%d): P@1 %.4f -> %.4f, MAP@R %.4f -> %.4f%n"
                    + "  unseen classes (%d): P@1 %.4f -> %.4f, MAP@R %.4f -> %.4f%n", result.stepLosses().size(),
                    result.epochs().get(0).get("train_loss"),
                    result.epochs().get(result.epochs().size() - 1).get("train_loss"), heldOutL.length,
                    heldOutBefore.precisionAt1(), heldOutAfter.precisionAt1(),
                    heldOutBefore.meanAveragePrecisionAtR(), heldOutAfter.meanAveragePrecisionAtR(), unseenL.length,
                    unseenBefore.precisionAt1(), unseenAfter.precisionAt1(),
                    unseenBefore.meanAveragePrecisionAtR(), unseenAfter.meanAveragePrecisionAtR());
            assertTrue(heldOutAfter.precisionAt1() >= heldOutBefore.precisionAt1() + 0.02,
                    "P@1 on new images of the trained classes did not improve");
            assertTrue(heldOutAfter.meanAveragePrecisionAtR() >= 1.5 * heldOutBefore.meanAveragePrecisionAtR(),
                    "MAP@R on new images of the trained classes did not improve by half");
            assertTrue(unseenAfter.meanAveragePrecisionAtR() >= unseenBefore.meanAveragePrecisionAtR() + 0.02,
                    "MAP@R on unseen classes did not improve");
        }
    }

    private static boolean seen(long label) {
        for (long s : SEEN) {
            if (s == label) {
                return true;
            }
        }
        return false;
    }

    private static RetrievalMetrics metrics(Cnn model, List<float[]> images, long[] labels) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = model.model().encodeToArray(images, 256, m);
            return RetrievalProtocol.leaveOneOut(new ExactKnn(Distance.cosine()), e, labels, 0);
        }
    }
}
