package org.example.serving;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quaterion.models.EngineSetup;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.djl.SimilarityTranslatorFactory;

/**
 * A serving-only app: loads the servable with quaterion-models alone (no training jar), encodes, answers a
 * nearest-neighbour query over a small catalogue, and checks that it reproduces the trainer's vectors, through
 * {@code SimilarityModel} and through plain DJL.
 */
public final class ServeFoodModel {

    private ServeFoodModel() {}

    /**
     * Serves and checks.
     *
     * @param args the trainer's output directory
     * @throws Exception when loading fails or the vectors differ
     */
    public static void main(String[] args) throws Exception {
        EngineSetup.configure(1);
        Path run = Path.of(args.length > 0 ? args[0] : "food-run");
        List<String> probes = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("probes.tsv"))) {
            String[] cols = line.split("\t");
            probes.add(cols[0]);
            float[] v = new float[cols.length - 1];
            for (int j = 1; j < cols.length; j++) {
                v[j - 1] = Float.parseFloat(cols[j]);
            }
            expected.add(v);
        }
        Path servable = run.resolve("servable");
        try (SimilarityModel<String> model = SimilarityModel.load(servable, String.class)) {
            float[][] vectors = model.encode(probes, 8);
            for (int i = 0; i < probes.size(); i++) {
                if (!Arrays.equals(vectors[i], expected.get(i))) {
                    throw new IllegalStateException("the servable encodes '" + probes.get(i) + "' differently");
                }
            }
            List<String> catalogue = List.of("spaghetti bolognese", "salmon nigiri", "brownie", "greek salad");
            float[][] items = model.encode(catalogue, 8);
            float[] query = model.encode(List.of("italian pasta with meat sauce"), 1)[0];
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < items.length; i++) {
                double dot = 0;
                for (int j = 0; j < query.length; j++) {
                    dot += query[j] * items[i][j];
                }
                if (dot > bestScore) {
                    bestScore = dot;
                    best = i;
                }
            }
            System.out.println("nearest to 'italian pasta with meat sauce': " + catalogue.get(best));
        }
        Criteria<String, float[]> criteria = Criteria.builder().setTypes(String.class, float[].class)
                .optModelPath(servable).optTranslatorFactory(new SimilarityTranslatorFactory())
                .optArgument("batchSize", "8").build();
        try (ZooModel<String, float[]> zoo = criteria.loadModel();
                Predictor<String, float[]> predictor = zoo.newPredictor()) {
            List<float[]> vectors = predictor.batchPredict(probes);
            for (int i = 0; i < probes.size(); i++) {
                if (!Arrays.equals(vectors.get(i), expected.get(i))) {
                    throw new IllegalStateException("DJL's predictor encodes '" + probes.get(i) + "' differently");
                }
            }
        }
        System.out.println("serving check passed: " + probes.size() + " vectors equal, through SimilarityModel and DJL");
    }
}
