package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.Miner;
import org.quaterion.models.Fixtures;
import org.quaterion.registry.ComponentRegistry;

/**
 * Every case of {@code pml_repeats.json}: PML's pair losses fed index lists that repeat pairs (the lists are in the
 * file and go through {@link IndexTuples} unchanged), so that a pair listed twice counts twice in the losses built on
 * lists and once in those built on masks, as in PML; and MultiSimilarityMiner, whose pairs must come out in PML's
 * order (element for element), with the losses it feeds (NPairsLoss takes the first mined positive of each label).
 * Values and gradients match within 1e-9; with DoNothingReducer, the loss of every listed pair in the listed order.
 */
class PmlRepeatsParityTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    @Test
    void matchesPml() {
        ParitySuite suite = ParitySuite.read("pml_repeats.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            JsonObject data = suite.dataset(c);
            double[][] emb = Fixtures.matrix(data.get("embeddings"));
            long[] labels = Fixtures.longVector(data.get("labels"));
            try (NDManager m = NDManager.newBaseManager()) {
                GroupLoss loss = build(c.getAsJsonObject("config"));
                Function<NDArray, IndexTuples> tuples;
                if (c.has("tuples")) {
                    tuples = e -> tuples(e.getManager(), c.getAsJsonObject("tuples"));
                } else {
                    JsonObject config = c.getAsJsonObject("miner").deepCopy();
                    Miner miner = REGISTRY.miner(config.remove("type").getAsString(), config);
                    IndexTuples.Pairs mined = miner.mine(m.create(emb), m.create(labels)).toPairs();
                    JsonArray expected = c.getAsJsonArray("mined");
                    NDArray[] ours = {mined.a1(), mined.p(), mined.a2(), mined.n()};
                    for (int i = 0; i < 4; i++) {
                        long[] want = Fixtures.longVector(expected.get(i));
                        if (!Arrays.equals(want, ours[i].toLongArray())) {
                            suite.fail(id + ": mined list " + i + " differs from PML's (order included)");
                        }
                    }
                    tuples = e -> miner.mine(e, e.getManager().create(labels));
                }
                Function<NDArray, IndexTuples> source = tuples;
                Function<NDArray, NDArray> value = e -> loss.forward(e, e.getManager().create(labels),
                        source.apply(e));
                if (c.get("kind").getAsString().equals("values")) {
                    LossHarness.Result r = LossHarness.run(m, emb, e -> value.apply(e).sum(), null);
                    suite.compareArray(id + ": values", Fixtures.flat(c.get("values")),
                            value.apply(m.create(emb)).toDoubleArray(), 1e-9);
                    suite.compareArray(id + ": grad", Fixtures.flat(c.get("grad")), r.grad(), 1e-8);
                    suite.checked();
                    continue;
                }
                LossHarness.Result r = LossHarness.run(m, emb, value, null);
                suite.compareLoss(c, r, 1e-9);
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }

    /** The loss from the case's registry config. */
    private static GroupLoss build(JsonObject config) {
        JsonObject settings = config.deepCopy();
        return (GroupLoss) REGISTRY.loss(settings.remove("type").getAsString(), settings);
    }

    /** The case's index lists as PML received them. */
    private static IndexTuples tuples(NDManager m, JsonObject tuples) {
        boolean pairs = tuples.has("pairs");
        JsonArray lists = tuples.getAsJsonArray(pairs ? "pairs" : "triplets");
        NDArray[] a = new NDArray[lists.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = m.create(Fixtures.longVector(lists.get(i)));
        }
        return pairs ? new IndexTuples.Pairs(a[0], a[1], a[2], a[3]) : new IndexTuples.Triplets(a[0], a[1], a[2]);
    }
}
