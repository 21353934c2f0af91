package org.quaterion.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.EmbeddingMseLoss;
import org.quaterion.loss.pair.MarginMseLoss;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * The distillation losses train through {@code Quaterion.fit}: a linear student learns a linear teacher from its
 * embeddings (EmbeddingMseLoss, through the frozen-encoder cache) or from its score margins (MarginMseLoss), the loss
 * falls and the student's outputs approach the teacher's on records it never saw.
 */
class DistillationTrainingTest {

    private static final int DIM = 6;

    /** The teacher: a fixed linear map, x ↦ W x. */
    private static final double[][] TEACHER = teacher();

    private static double[][] teacher() {
        Random random = new Random(11);
        double[][] w = new double[DIM][DIM];
        for (double[] row : w) {
            for (int j = 0; j < DIM; j++) {
                row[j] = random.nextGaussian() / Math.sqrt(DIM);
            }
        }
        return w;
    }

    private static float[] teach(float[] x) {
        float[] out = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            for (int j = 0; j < DIM; j++) {
                out[i] += (float) (TEACHER[i][j] * x[j]);
            }
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The teacher's score margin s_T(q, p) − s_T(q, n) with s_T the dot product of teacher embeddings. */
    private static double teacherMargin(float[] q, float[] p, float[] n) {
        return dot(teach(q), teach(p)) - dot(teach(q), teach(n));
    }

    private static float[] gaussian(Random random) {
        float[] x = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /** A frozen identity encoder and a linear student head; cached when asked. */
    static final class Student extends TrainableModel<float[]> {
        private final SimilarityLoss loss;
        private final CacheConfig<float[]> cache;

        Student(SimilarityLoss loss, CacheConfig<float[]> cache) {
            this.loss = loss;
            this.cache = cache;
        }

        @Override
        protected Map<String, Encoder<float[]>> configureEncoders() {
            return Map.of("x", TestModels.lambdaEncoder("identity", DIM, x -> x));
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new LinearHead(inputSize, DIM);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return loss;
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(2e-2);
        }

        @Override
        protected CacheConfig<float[]> configureCaches() {
            return cache;
        }
    }

    private static TrainerConfig epochs(int n) {
        return TrainerConfig.defaults().withMaxEpochs(n).withProgressBar(false).withSeed(3);
    }

    /** Mean squared difference between the student's and the teacher's embeddings of fresh records. */
    private static double embeddingError(SimilarityModel<float[]> student, List<float[]> records) {
        float[][] out = student.encode(records, 64);
        double sum = 0;
        for (int i = 0; i < records.size(); i++) {
            float[] t = teach(records.get(i));
            for (int j = 0; j < DIM; j++) {
                sum += (out[i][j] - t[j]) * (out[i][j] - t[j]);
            }
        }
        return sum / (records.size() * DIM);
    }

    @Test
    void embeddingMseTeachesTheStudentTheTeachersEmbeddings() throws Exception {
        Random random = new Random(5);
        List<SimilarityPairSample<float[]>> data = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            float[] source = gaussian(random);
            float[] translation = source.clone(); // the "translation": the same sentence, slightly different
            for (int j = 0; j < DIM; j++) {
                translation[j] += (float) (0.01 * random.nextGaussian());
            }
            data.add(SimilarityPairSample.of(source, translation).withTeacherEmbedding(teach(source)));
        }
        List<float[]> unseen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            unseen.add(gaussian(random));
        }
        try (Student student = new Student(new EmbeddingMseLoss(), CacheConfig.of(CacheType.CPU))) {
            double before = embeddingError(student.model(), unseen);
            FitResult fit = Quaterion.fit(student, epochs(30), new PairsSimilarityDataLoader<>(data,
                    LoaderOptions.batchSize(32).withShuffle(1)), null);
            double first = fit.epochs().get(0).get("train_loss");
            double last = fit.epochs().get(fit.epochs().size() - 1).get("train_loss");
            double after = embeddingError(student.model(), unseen);
            assertTrue(last < 0.01 * first, "the loss falls: " + first + " -> " + last);
            assertTrue(after < 0.01 * before, "the student approaches the teacher on unseen records: " + before
                    + " -> " + after);
        }
    }

    /** Mean squared difference between the student's and the teacher's dot-product margins on fresh triples. */
    private static double marginError(SimilarityModel<float[]> student, List<float[][]> triples) {
        double sum = 0;
        for (float[][] t : triples) {
            float[][] e = student.encode(List.of(t[0], t[1], t[2]), 3);
            double margin = dot(e[0], e[1]) - dot(e[0], e[2]);
            sum += Math.pow(margin - teacherMargin(t[0], t[1], t[2]), 2);
        }
        return sum / triples.size();
    }

    @Test
    void marginMseTeachesTheStudentTheTeachersMargins() throws Exception {
        Random random = new Random(7);
        List<SimilarityPairSample<float[]>> data = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            float[] q = gaussian(random);
            float[] p = gaussian(random);
            float[] n1 = gaussian(random);
            float[] n2 = gaussian(random);
            data.add(SimilarityPairSample.of(q, p).withTeacherMargins(List.of(n1, n2), teacherMargin(q, p, n1),
                    teacherMargin(q, p, n2)));
        }
        List<float[][]> unseen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            unseen.add(new float[][] {gaussian(random), gaussian(random), gaussian(random)});
        }
        try (Student student = new Student(new MarginMseLoss(), null)) {
            double before = marginError(student.model(), unseen);
            FitResult fit = Quaterion.fit(student, epochs(40), new PairsSimilarityDataLoader<>(data,
                    LoaderOptions.batchSize(32).withShuffle(1)), null);
            double first = fit.epochs().get(0).get("train_loss");
            double last = fit.epochs().get(fit.epochs().size() - 1).get("train_loss");
            double after = marginError(student.model(), unseen);
            assertTrue(last < 0.05 * first, "the loss falls: " + first + " -> " + last);
            assertTrue(after < 0.05 * before, "the student's margins approach the teacher's on unseen triples: "
                    + before + " -> " + after);
        }
    }

    @Test
    void mixedTeacherTargetsInABatchAreRefused() {
        List<SimilarityPairSample<float[]>> data = List.of(
                SimilarityPairSample.of(new float[DIM], new float[DIM]).withTeacherEmbedding(new float[DIM]),
                SimilarityPairSample.of(new float[DIM], new float[DIM]));
        try (Student student = new Student(new EmbeddingMseLoss(), null)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Quaterion.fit(student, epochs(1), new PairsSimilarityDataLoader<>(data,
                            LoaderOptions.batchSize(2)), null));
            assertTrue(e.getMessage().contains("pair 1 of a batch has no teacher embedding but pair 0 has one of 6"),
                    e.getMessage());
        }
    }
}
