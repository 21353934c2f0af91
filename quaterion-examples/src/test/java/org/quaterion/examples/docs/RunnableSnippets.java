package org.quaterion.examples.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;

/**
 * Runs the documentation snippets that save and load, in the working directory it is started in (their relative
 * paths resolve there), and prints one {@code RESULT} line per snippet with what the saved artifact gives back.
 */
public final class RunnableSnippets {

    private RunnableSnippets() {}

    /**
     * Runs the README quick start on random 512-d features, then loads the model it saved and prints the loaded
     * embeddings' count and width and the largest difference to the embeddings the saved model gave.
     *
     * @param args unused
     * @throws Exception when a snippet fails
     */
    public static void main(String[] args) throws Exception {
        Random random = new Random(7);
        List<float[]> features = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            float[] row = new float[512];
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) random.nextGaussian();
            }
            features.add(row);
        }
        ReadmeQuickStart.quickStart(features, features.subList(0, 10));

        ModelRegistry registry = ModelRegistry.discover().register(BlockEncoder.factory("feature-projection",
                () -> ai.djl.nn.core.Linear.builder().setUnits(128).optBias(false).build(),
                Collators.floatVectors()));
        try (SimilarityModel<float[]> model = SimilarityModel.load(Path.of("model"), registry, null, float[].class)) {
            float[][] vectors = model.encode(features, 32);
            double norm = 0;
            for (float v : vectors[0]) {
                norm += v * v;
            }
            System.out.printf(java.util.Locale.ROOT, "RESULT quick-start %d %d %.4f%n", vectors.length,
                    vectors[0].length, Math.sqrt(norm));
        }
    }
}
