package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.Miner;
import org.quaterion.models.Fixtures;
import org.quaterion.registry.ComponentRegistry;

/**
 * Every case of {@code pml_divisor.json}: PML's MarginLoss and ProxyAnchorLoss with their default DivisorReducer and
 * with mean, sum, avg_non_zero, threshold, class_weighted, per_anchor and multiple reducers, with and without a
 * TripletMarginMiner, each built from the case's registry config. Values and gradients (embeddings, and
 * ProxyAnchorLoss's proxies) match within 1e-9; where PML raises (per_anchor on triplets, do_nothing on a loss of two
 * parts) ours refuses with a message, also on the degenerate batches where PML happens to return 0.
 */
class PmlDivisorParityTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    @Test
    void matchesPml() {
        ParitySuite suite = ParitySuite.read("pml_divisor.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            JsonObject data = suite.dataset(c);
            double[][] emb = Fixtures.matrix(data.get("embeddings"));
            try (NDManager m = NDManager.newBaseManager()) {
                if (c.get("kind").getAsString().equals("refused") || c.has("ours")) {
                    suite.expectRefused(id, (c.has("ours") ? c.get("notes") : c.get("peer_error")).getAsString(),
                            () -> run(c, data, m, emb));
                    continue;
                }
                LossHarness.Result r = run(c, data, m, emb);
                suite.compareLoss(c, r, 1e-9);
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }

    /** The loss of a case from its registry config, with the dataset's class weights as proxies and its miner. */
    private static LossHarness.Result run(JsonObject c, JsonObject data, NDManager m, double[][] emb) {
        JsonObject config = c.getAsJsonObject("config").deepCopy();
        GroupLoss loss = (GroupLoss) REGISTRY.loss(config.remove("type").getAsString(), config);
        NDArray weights = null;
        if (loss instanceof ClassWeightLoss weighted) {
            weighted.setWeights(m, Fixtures.matrix(data.get("class_weights")), DataType.FLOAT64);
            weights = weighted.weights().getArray();
        }
        Miner miner = null;
        if (c.has("miner")) {
            JsonObject mc = c.getAsJsonObject("miner").deepCopy();
            miner = REGISTRY.miner(mc.remove("type").getAsString(), mc);
        }
        Miner mine = miner;
        long[] labels = Fixtures.longVector(data.get("labels"));
        return LossHarness.run(m, emb, e -> {
            NDArray l = e.getManager().create(labels);
            return mine == null ? loss.forward(e, l) : loss.forward(e, l, mine.mine(e, l));
        }, weights);
    }
}
