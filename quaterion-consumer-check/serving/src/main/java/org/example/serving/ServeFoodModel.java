package org.example.serving;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.models.EngineSetup;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.djl.SimilarityTranslatorFactory;
import org.quaterion.search.VectorIndex;

/**
 * A serving-only app: loads the servable without the training jar, encodes, indexes a small catalogue and answers a
 * nearest-neighbour query from it ({@code VectorIndex}), and checks that it reproduces the trainer's vectors, through
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
            Map<String, String> catalogue = new LinkedHashMap<>();
            catalogue.put("dish-1", "spaghetti bolognese");
            catalogue.put("dish-2", "salmon nigiri");
            catalogue.put("dish-3", "brownie");
            catalogue.put("dish-4", "greek salad");
            try (VectorIndex index = VectorIndex.build(run.resolve("catalogue-index"), model, catalogue, 8,
                    VectorIndex.Config.defaults())) {
                List<VectorIndex.Hit> top = index.search(model, "italian pasta with meat sauce", 2);
                System.out.println("nearest to 'italian pasta with meat sauce': "
                        + catalogue.get(top.get(0).id()) + " (" + top.get(0).id() + ")");
            }
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
