package org.example.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.MultipleNegativesRankingLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;

/** Fine-tunes a head on frozen all-MiniLM-L6-v2 so that similar foods embed close, and saves a servable. */
public final class TrainFoodModel {

    /** Frozen MiniLM (its outputs cached) + a trainable skip-connection head + in-batch-negatives loss. */
    static final class FoodModel extends TrainableModel<String> {
        @Override
        protected Map<String, Encoder<String>> configureEncoders() {
            return Map.of("text", MiniLm.int8());
        }

        @Override
        protected EncoderHead configureHead(int inputSize) {
            return new SkipConnectionHead(inputSize);
        }

        @Override
        protected SimilarityLoss configureLoss() {
            return new MultipleNegativesRankingLoss();
        }

        @Override
        protected CacheConfig<String> configureCaches() {
            return CacheConfig.of(CacheType.AUTO);
        }
    }

    private static final String[][] PAIRS = {
        {"spaghetti carbonara", "pasta with egg, cheese and bacon"},
        {"margherita pizza", "pizza with tomato, mozzarella and basil"},
        {"caesar salad", "romaine lettuce with croutons and parmesan dressing"},
        {"sushi", "vinegared rice with raw fish"},
        {"ramen", "japanese noodle soup with broth and pork"},
        {"pad thai", "stir-fried rice noodles with peanuts and tamarind"},
        {"guacamole", "mashed avocado dip with lime and onion"},
        {"hummus", "chickpea and tahini dip"},
        {"croissant", "flaky buttery french pastry"},
        {"cheeseburger", "beef patty with cheese in a bun"},
        {"pancakes", "flat fried batter cakes with syrup"},
        {"tiramisu", "coffee-soaked ladyfingers with mascarpone"},
        {"paella", "spanish saffron rice with seafood"},
        {"falafel", "fried balls of ground chickpeas"},
        {"miso soup", "japanese soup of fermented soybean paste and tofu"},
        {"apple pie", "baked pastry filled with spiced apples"},
    };

    private TrainFoodModel() {}

    /**
     * Trains and saves.
     *
     * @param args the output directory (the servable goes to {@code <dir>/servable})
     * @throws IOException when saving fails
     */
    public static void main(String[] args) throws IOException {
        Quaterion.configureEngine(1); // before anything touches libtorch
        Path out = Path.of(args.length > 0 ? args[0] : "food-run");
        List<SimilarityPairSample<String>> pairs = new ArrayList<>();
        for (String[] p : PAIRS) {
            pairs.add(SimilarityPairSample.of(p[0], p[1]));
        }
        try (FoodModel model = new FoodModel()) {
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(5).withOutputDir(out.resolve("run")),
                    new PairsSimilarityDataLoader<>(pairs, LoaderOptions.batchSize(8).withShuffle(42)), null);
            model.saveServable(out.resolve("servable"));
            // what the serving app must reproduce from the servable alone
            List<String> probes = List.of("lasagne", "sashimi", "chocolate cake");
            float[][] vectors = model.model().encode(probes, 8);
            StringBuilder tsv = new StringBuilder();
            for (int i = 0; i < probes.size(); i++) {
                tsv.append(probes.get(i));
                for (float v : vectors[i]) {
                    tsv.append('\t').append(v);
                }
                tsv.append('\n');
            }
            Files.writeString(out.resolve("probes.tsv"), tsv);
        }
        System.out.println("trained and saved " + out.resolve("servable"));
    }
}
