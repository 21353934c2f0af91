package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quaterion.reducer.ClassWeightedReducer;
import org.quaterion.reducer.DivisorReducer;
import org.quaterion.reducer.DoNothingReducer;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.PerAnchorReducer;
import org.quaterion.registry.ComponentRegistry;

/**
 * MarginLoss and ProxyAnchorLoss reduce through their reducer: DivisorReducer by default, any other from the
 * registry form, and the reducers their terms cannot feed refused with a message (the values are checked against PML
 * in {@code PmlDivisorParityTest}).
 */
class DivisorLossesTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();
    private static final long[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1};

    @Test
    void divisorIsTheDefaultAndAnyReducerRoundTrips() {
        assertInstanceOf(DivisorReducer.class, new MarginLoss().reducer());
        assertInstanceOf(DivisorReducer.class, ProxyAnchorLoss.builder().setNumClasses(3).setEmbeddingSize(4).build()
                .reducer());
        assertEquals("divisor", new MarginLoss().config().get("reducer").getAsString());
        for (String json : new String[] {"{type: margin, beta: 1.25, reducer: mean}",
            "{type: margin, reducer: {type: class_weighted, weights: [1, 2, 0.5]}}",
            "{type: margin, reducer: {type: multiple, reducers: {margin_loss: avg_non_zero}, default_reducer: sum}}",
            "{type: proxy_anchor, num_classes: 3, embedding_size: 4, reducer: {type: per_anchor, reducer: sum}}",
            "{type: proxy_anchor, num_classes: 3, embedding_size: 4, reducer: {type: threshold, low: 0.5, high: 8.0}}"}) {
            JsonObject settings = JsonParser.parseString(json).getAsJsonObject();
            String type = settings.remove("type").getAsString();
            SimilarityLoss loss = REGISTRY.loss(type, settings.deepCopy());
            JsonObject description = REGISTRY.describe(loss);
            assertEquals(loss.config(), REGISTRY.loss(description).config(), json);
            assertEquals(settings.get("reducer"), description.getAsJsonObject("config").get("reducer"), json);
        }
    }

    @Test
    void theDefaultGivesTheDivisorValueAndMeanDiffers() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = embeddings(m);
            NDArray labels = m.create(LABELS);
            double divisor = new MarginLoss().forward(emb, labels).getDouble();
            double mean = MarginLoss.builder().optReducer(new MeanReducer()).build().forward(emb, labels).getDouble();
            assertNotEquals(divisor, mean, "the sum over the non-zero terms vs the mean over triplets");
        }
    }

    @Test
    void reducersTheTermsCannotFeedAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = embeddings(m);
            NDArray labels = m.create(LABELS);
            message("not the triplet losses of MarginLoss", () -> MarginLoss.builder()
                    .optReducer(new PerAnchorReducer()).build().forward(emb, labels));
            message("has the parts [margin_loss, beta_reg_loss]", () -> MarginLoss.builder()
                    .optReducer(new DoNothingReducer()).build().forward(emb, labels));
            ProxyAnchorLoss proxies = ProxyAnchorLoss.builder().setNumClasses(3).setEmbeddingSize(4)
                    .optReducer(ClassWeightedReducer.of(1, 2)).build();
            proxies.setWeights(m, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}, DataType.FLOAT64);
            message("give one weight per class", () -> proxies.forward(emb, labels));
        }
    }

    private static NDArray embeddings(NDManager m) {
        Random random = new Random(5);
        double[][] rows = new double[LABELS.length][4];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m.create(rows);
    }

    private static void message(String part, Runnable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
