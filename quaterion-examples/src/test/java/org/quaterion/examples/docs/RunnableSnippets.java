package org.quaterion.examples.docs;

import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.quaterion.dataset.SimilarityGroupSample;
import org.quaterion.models.ArtifactDamage;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.classify.LinearClassifier;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.search.VectorIndex;

/**
 * Runs the documentation snippets that save and load, in the working directory it is started in (their relative
 * paths resolve there), and prints one {@code RESULT} line per snippet with what the saved artifact gives back.
 */
public final class RunnableSnippets {

    private RunnableSnippets() {}

    /**
     * Runs the named snippets: {@code quick-start} (README), {@code vector-index} (docs/metrics.md) and
     * {@code training-definitions} (docs/training.md).
     *
     * @param args snippet names
     * @throws Exception when a snippet fails
     */
    public static void main(String[] args) throws Exception {
        for (String name : args) {
            switch (name) {
                case "quick-start" -> quickStart();
                case "vector-index" -> vectorIndex();
                case "training-definitions" -> trainingDefinitions();
                default -> throw new IllegalArgumentException("unknown snippet " + name);
            }
        }
    }

    /** Random Gaussian rows. */
    private static List<float[]> rows(int n, int dim, Random random) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] row = new float[dim];
            for (int k = 0; k < dim; k++) {
                row[k] = (float) random.nextGaussian();
            }
            out.add(row);
        }
        return out;
    }

    /** The README quick start on random 512-d features; then a service's load of the model it saved. */
    private static void quickStart() throws Exception {
        List<float[]> features = rows(40, 512, new Random(7));
        ReadmeQuickStart.quickStart(features, features.subList(0, 10));
        ModelRegistry registry = ModelRegistry.discover().register(BlockEncoder.factory("feature-projection",
                () -> Linear.builder().setUnits(128).optBias(false).build(), Collators.floatVectors()));
        try (SimilarityModel<float[]> model = SimilarityModel.load(Path.of("model"), registry, null, float[].class)) {
            float[][] vectors = model.encode(features, 32);
            double norm = 0;
            for (float v : vectors[0]) {
                norm += v * v;
            }
            System.out.printf(Locale.ROOT, "RESULT quick-start %d %d %.4f%n", vectors.length, vectors[0].length,
                    Math.sqrt(norm));
        }
    }

    /** docs/metrics.md's VectorIndex snippet over a MiniLM servable saved as {@code servable}; then the reopened index. */
    private static void vectorIndex() throws Exception {
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().addEncoder("text", MiniLm.int8())
                .setHead(new EmptyHead(MiniLm.DIM)).optRecordType(String.class).build()) {
            model.save(Path.of("servable"));
        }
        Map<String, String> catalogue = new LinkedHashMap<>();
        catalogue.put("spaghetti", "spaghetti bolognese: pasta with a meat and tomato sauce");
        catalogue.put("sushi", "raw fish on vinegared rice");
        catalogue.put("pancakes", "flat cakes fried in a pan, served with syrup");
        MetricsVectorIndex.index(catalogue, new float[MiniLm.DIM], Set.of("sushi"));
        try (SimilarityModel<String> model = SimilarityModel.load(Path.of("servable"), String.class);
                VectorIndex index = VectorIndex.open(Path.of("catalogue-index"))) {
            List<VectorIndex.Hit> top = index.search(model, "italian pasta with meat sauce", 1);
            System.out.println("RESULT vector-index " + index.size() + " " + top.get(0).id());
        }
    }

    /**
     * docs/training.md's definitions model on 10 groups of 16-d vectors, then its linear-probe snippet on the saved
     * servable (copied to {@code supcon-model}); the servables load by type through {@link SnippetEncoderFactory}.
     */
    private static void trainingDefinitions() throws Exception {
        Random random = new Random(3);
        List<float[]> centres = rows(10, 16, random);
        List<SimilarityGroupSample<float[]>> train = new ArrayList<>();
        List<SimilarityGroupSample<float[]>> validation = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int group = i % 10;
            float[] row = rows(1, 16, random).get(0);
            for (int k = 0; k < row.length; k++) {
                row[k] = centres.get(group)[k] + 0.3f * row[k];
            }
            (i < 100 ? train : validation).add(new SimilarityGroupSample<>(row, group));
        }
        TrainingDefinitions.train(SnippetEncoderFactory.encoder(), train, validation);
        try (SimilarityModel<float[]> model = SimilarityModel.load(Path.of("models/defs"), float[].class)) {
            System.out.println("RESULT training-definitions " + model.encode(List.of(centres.get(0)), 1)[0].length);
        }

        ArtifactDamage.copy(Path.of("models/defs"), Path.of("supcon-model"));
        TrainingLinearProbe.probe(train, validation, centres);
        LinearClassifier classifier = LinearClassifier.load(Path.of("supcon-model-classifier"));
        try (SimilarityModel<float[]> model = SimilarityModel.load(Path.of("supcon-model"), float[].class)) {
            int right = 0;
            LinearClassifier.Prediction[] predictions = classifier.classify(model, centres, 64);
            for (int c = 0; c < predictions.length; c++) {
                right += predictions[c].label() == c ? 1 : 0;
            }
            System.out.println("RESULT linear-probe " + classifier.classes().length + " classes, " + right
                    + " of 10 centres right");
        }
    }
}
