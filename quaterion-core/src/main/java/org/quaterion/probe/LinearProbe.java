package org.quaterion.probe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.quaterion.dataset.GroupSimilarityDataLoader;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.SoftmaxLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.classify.LinearClassifier;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.train.FitResult;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * Stage 2 of SupCon's recipe, the linear probe: a linear softmax classifier trained on a frozen model's embeddings
 * with the trainer ({@link Quaterion#fit}: early stopping, checkpoints, the report), giving a
 * {@link LinearClassifier} to save next to the servable.
 *
 * <p>The embeddings are computed once (the model is frozen, so this is its cache) and a constant 1 is appended to
 * each, so that the class-weight matrix learned by a {@link SoftmaxLoss} (temperature 1) holds the weights and the
 * bias. Class labels are any longs; validation classes must all occur in training.
 */
public final class LinearProbe {

    private LinearProbe() {}

    /**
     * The trained classifier and what the fit did.
     *
     * @param classifier the classifier
     * @param fit the fit's history
     */
    public record Result(LinearClassifier classifier, FitResult fit) {}

    /**
     * Trains the probe.
     *
     * @param model the frozen model whose embeddings are classified
     * @param train labelled training records (at least 2 classes)
     * @param validation labelled validation records (for early stopping), or null
     * @param config the trainer settings
     * @param batchSize records per step
     * @param learningRate Adam's learning rate
     * @param <T> record type
     * @return the classifier and the fit
     * @throws IOException when the trainer's output cannot be written
     */
    public static <T> Result fit(SimilarityModel<T> model, List<SimilarityGroupSample<T>> train,
            List<SimilarityGroupSample<T>> validation, TrainerConfig config, int batchSize, double learningRate)
            throws IOException {
        TreeSet<Long> seen = new TreeSet<>();
        train.forEach(s -> seen.add(s.group()));
        long[] classes = seen.stream().mapToLong(Long::longValue).toArray();
        if (classes.length < 2) {
            throw new IllegalArgumentException("a linear probe needs at least 2 classes in training, got "
                    + Arrays.toString(classes));
        }
        if (validation != null) {
            for (SimilarityGroupSample<T> s : validation) {
                if (Arrays.binarySearch(classes, s.group()) < 0) {
                    throw new IllegalArgumentException("validation class " + s.group() + " does not occur in training "
                            + "(classes " + Arrays.toString(classes) + "); a classifier cannot predict it");
                }
            }
        }
        int d = model.embeddingSize();
        List<SimilarityGroupSample<float[]>> trainRows = rows(model, train, classes, batchSize);
        List<SimilarityGroupSample<float[]>> validationRows = validation == null ? null
                : rows(model, validation, classes, batchSize);
        try (Probe probe = new Probe(d + 1, classes.length, learningRate)) {
            FitResult fit = Quaterion.fit(probe, config,
                    new GroupSimilarityDataLoader<>(trainRows, LoaderOptions.batchSize(batchSize)
                            .withShuffle(config.seed())),
                    validationRows == null ? null
                            : new GroupSimilarityDataLoader<>(validationRows, LoaderOptions.batchSize(batchSize)));
            NDArray w = probe.loss.weights().getArray().toType(DataType.FLOAT32, false);
            float[] flat = w.toFloatArray();
            float[][] weights = new float[classes.length][d];
            float[] bias = new float[classes.length];
            for (int c = 0; c < classes.length; c++) {
                System.arraycopy(flat, c * (d + 1), weights[c], 0, d);
                bias[c] = flat[c * (d + 1) + d];
            }
            return new Result(new LinearClassifier(classes, weights, bias), fit);
        }
    }

    /** The records' embeddings with a constant 1 appended, labelled by class index. */
    private static <T> List<SimilarityGroupSample<float[]>> rows(SimilarityModel<T> model,
            List<SimilarityGroupSample<T>> samples, long[] classes, int batchSize) {
        float[][] e = model.encode(samples.stream().map(SimilarityGroupSample::obj).toList(), batchSize);
        List<SimilarityGroupSample<float[]>> out = new ArrayList<>(e.length);
        for (int i = 0; i < e.length; i++) {
            float[] row = Arrays.copyOf(e[i], e[i].length + 1);
            row[e[i].length] = 1;
            out.add(new SimilarityGroupSample<>(row, Arrays.binarySearch(classes, samples.get(i).group())));
        }
        return out;
    }

    /** The probe as a trainable model: a pass-through encoder, no head, a softmax loss whose weights are W | b. */
    private static final class Probe extends TrainableModel<float[]> {
        private final int width;
        private final double learningRate;
        private final SoftmaxLoss loss;

        Probe(int width, int classes, double learningRate) {
            this.width = width;
            this.learningRate = learningRate;
            this.loss = SoftmaxLoss.builder().setNumClasses(classes).setEmbeddingSize(width).optTemperature(1)
                    .build();
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("embeddings", BlockEncoder.<float[]>builder().setTypeName("linear_probe_input")
                    .setBlock(new ai.djl.nn.LambdaBlock(l -> l)).setCollator(Collators.floatVectors())
                    .setEmbeddingSize(width).optTrainable(false).optInputShapes(new Shape(1, width)).build());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new EmptyHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return loss;
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(learningRate);
        }
    }
}
