package org.quaterion.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.cache.CacheConfig;
import org.quaterion.cache.CacheType;
import org.quaterion.dataset.LoaderOptions;
import org.quaterion.dataset.PairsSimilarityDataLoader;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.distance.Distance;
import org.quaterion.eval.RetrievalMetrics;
import org.quaterion.eval.RetrievalProtocol;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.loss.pair.PairContrastiveLoss;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.onnx.MiniLm;
import org.quaterion.search.ExactKnn;
import org.quaterion.train.Quaterion;
import org.quaterion.train.TrainableModel;
import org.quaterion.train.TrainerConfig;
import org.quaterion.train.optim.Adam;
import org.quaterion.train.optim.GradientOptimizer;

/**
 * Quaterion's first tutorial in Java: similar foods as pairs with subgroups ("cheesecake / muffins / macaroons /
 * candies" in subgroup 10, "lemon / lime / orange" in 11, as in Quaterion's {@code SimilarityPairSample} docs, plus
 * more foods in more subgroups). Frozen all-MiniLM-L6-v2 (its outputs cached) with a trainable
 * {@code SkipConnectionHead}, Quaterion's pair {@code ContrastiveLoss}: pairs of one subgroup pull together, foods of
 * other subgroups in the batch push apart. The last food of every subgroup is held out of training. Prints, before and
 * after: leave-one-out retrieval of same-subgroup foods among all foods, and P@1 of the held-out foods (does their
 * nearest other food share their subgroup), then saves the servable.
 */
public final class FoodQuickStart {

    /** Frozen MiniLM + skip-connection head + Quaterion's pair contrastive loss with subgroup negatives. */
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
            return new PairContrastiveLoss();
        }

        @Override
        protected GradientOptimizer configureOptimizer() {
            return Adam.of(1e-2); // a few dozen pairs: a larger step than the 1e-3 default
        }

        @Override
        protected CacheConfig<String> configureCaches() {
            return CacheConfig.of(CacheType.AUTO);
        }
    }

    /**
     * Subgroup → its foods; the first food pairs with each of the others (a star, as in Quaterion's example) except
     * the last, which is held out.
     */
    private static final Map<Integer, List<String>> FOODS = foods();

    private static Map<Integer, List<String>> foods() {
        Map<Integer, List<String>> f = new LinkedHashMap<>();
        f.put(10, List.of("cheesecake", "muffins", "macaroons", "candies", "brownies", "cupcakes"));
        f.put(11, List.of("lemon", "lime", "orange", "grapefruit", "tangerine", "kumquat"));
        f.put(12, List.of("strawberry", "raspberry", "blueberry", "blackberry", "cranberry", "gooseberry"));
        f.put(13, List.of("baguette", "sourdough", "ciabatta", "rye bread", "focaccia", "brioche"));
        f.put(14, List.of("cheddar", "brie", "gouda", "parmesan", "camembert", "gorgonzola"));
        f.put(15, List.of("salmon", "tuna", "cod", "mackerel", "sardines", "trout"));
        f.put(16, List.of("carrot", "broccoli", "spinach", "zucchini", "cauliflower", "kale"));
        f.put(17, List.of("espresso", "cappuccino", "latte", "americano", "macchiato", "mocha"));
        return f;
    }

    private FoodQuickStart() {}

    /**
     * The pairs: each subgroup's first food with every other one but the held-out last, score 1, in that subgroup.
     *
     * @return the training pairs
     */
    public static List<SimilarityPairSample<String>> pairs() {
        List<SimilarityPairSample<String>> pairs = new ArrayList<>();
        FOODS.forEach((subgroup, foods) -> {
            for (int i = 1; i < foods.size() - 1; i++) { // the last one is held out
                pairs.add(new SimilarityPairSample<>(foods.get(0), foods.get(i), 1.0, subgroup));
            }
        });
        return pairs;
    }

    /**
     * Trains and reports.
     *
     * @param epochs training epochs
     * @param out where the servable goes
     * @param print where the report goes
     * @return {MAP@R before, MAP@R after} of same-subgroup retrieval over every food, {held-out P@1 before, after}
     * @throws IOException when saving fails
     */
    public static double[] run(int epochs, Path out, PrintStream print) throws IOException {
        List<String> items = new ArrayList<>();
        List<Long> labels = new ArrayList<>();
        FOODS.forEach((subgroup, foods) -> foods.forEach(food -> {
            items.add(food);
            labels.add((long) subgroup);
        }));
        long[] groups = labels.stream().mapToLong(Long::longValue).toArray();
        boolean[] heldOut = new boolean[items.size()];
        boolean[] gallery = new boolean[items.size()];
        int at = 0;
        for (List<String> foods : FOODS.values()) {
            at += foods.size();
            heldOut[at - 1] = true;
        }
        java.util.Arrays.fill(gallery, true);
        try (FoodModel model = new FoodModel()) {
            double[] before = score(model, items, groups, heldOut, gallery, print, "MiniLM + untrained head");
            Quaterion.fit(model, TrainerConfig.defaults().withMaxEpochs(epochs).withEarlyStopping(null),
                    new PairsSimilarityDataLoader<>(pairs(), LoaderOptions.batchSize(16).withShuffle(42)), null);
            double[] after = score(model, items, groups, heldOut, gallery, print, "after " + epochs + " epochs");
            model.saveServable(out);
            print.println("servable saved to " + out.toAbsolutePath());
            return new double[] {before[0], after[0], before[1], after[1]};
        }
    }

    private static double[] score(FoodModel model, List<String> items, long[] groups, boolean[] heldOut,
            boolean[] gallery, PrintStream print, String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray embeddings = model.model().encodeToArray(items, 64, manager);
            ExactKnn knn = new ExactKnn(Distance.cosine());
            RetrievalMetrics all = RetrievalProtocol.leaveOneOut(knn, embeddings, groups, 0);
            RetrievalMetrics unseen = RetrievalProtocol.queryGallery(knn, embeddings, groups, heldOut, gallery, 0);
            print.printf(Locale.ROOT, "%-26s all foods: P@1 %.3f  MAP@R %.3f   held-out foods: P@1 %.3f%n", name,
                    all.precisionAt1(), all.meanAveragePrecisionAtR(), unseen.precisionAt1());
            return new double[] {all.meanAveragePrecisionAtR(), unseen.precisionAt1()};
        }
    }

    /**
     * Runs the tutorial.
     *
     * @param args optional: epochs (default 30), output directory
     * @throws IOException when saving fails
     */
    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path out = Path.of(args.length > 1 ? args[1] : "target/food-model");
        run(epochs, out, System.out);
    }
}
