package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.quaterion.loss.LossHarness;
import org.quaterion.loss.ParitySuite;
import org.quaterion.loss.SimilarityLoss;
import org.quaterion.models.Fixtures;
import org.quaterion.registry.ComponentRegistry;

/**
 * Every case of score_losses.json (sentence-transformers' cross-encoder loss arithmetic on given scores, float64):
 * the loss built from its registry type and config, its value within 1e-9 of {@code max(1, |value|)} and its gradient
 * with respect to the scores within 1e-8 of {@code max(1, max|grad|)}. Cases marked {@code reference: corrected} are
 * batches where sentence-transformers' mean over no pairs is NaN; ours is 0 with a zero gradient.
 */
class ScoreLossParityTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    @Test
    void lossesMatchSentenceTransformers() {
        ParitySuite suite = ParitySuite.read("score_losses.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            JsonObject data = suite.dataset(c);
            try (NDManager manager = NDManager.newBaseManager()) {
                SimilarityLoss built = REGISTRY.loss(c.get("loss").getAsString(), c.getAsJsonObject("config"));
                ScoreLoss loss = (ScoreLoss) built;
                double[] scores = Fixtures.vector(data.get("scores"));
                NDArray targets = manager.create(Fixtures.vector(data.getAsJsonObject("targets")
                        .get(c.get("targets").getAsString())));
                NDArray groups = manager.create(Fixtures.longVector(data.get("groups")));
                double[][] column = new double[scores.length][];
                for (int i = 0; i < scores.length; i++) {
                    column[i] = new double[] {scores[i]};
                }
                LossHarness.Result r = LossHarness.run(manager, column, s -> loss.forward(s, targets, groups), null);
                suite.compareLoss(c, r, 1e-9);
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }
}
