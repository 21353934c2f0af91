package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.Miner;
import org.quaterion.models.Fixtures;
import org.quaterion.registry.ComponentRegistry;

/**
 * Every case of {@code pml_compose.json} (PML's MultipleLosses, SelfSupervisedLoss, VICRegLoss, ManifoldLoss and its
 * reducers through ContrastiveLoss and TripletMarginLoss): each loss is built from the case's registry config, as a
 * YAML {@code loss:} would build it, and run as the case's {@code call} says. Values and gradients (embeddings, and
 * ManifoldLoss's proxies) match within 1e-9; where PML raises or returns NaN ours refuses with a message, and a
 * configuration PML refuses on a regular batch is refused on the degenerate batches where PML happens to return 0
 * (the case's {@code ours: refused}).
 */
class PmlComposeParityTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();

    @Test
    void matchesPml() {
        ParitySuite suite = ParitySuite.read("pml_compose.json");
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
                if (c.get("kind").getAsString().equals("values")) {
                    suite.compareArray(id + ": values", Fixtures.flat(c.get("values")), unreduced(c, data, m, emb),
                            1e-9);
                    suite.compareArray(id + ": grad", Fixtures.flat(c.get("grad")), r.grad(), 1e-8);
                    suite.checked();
                } else {
                    suite.compareLoss(c, r, 1e-9);
                }
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }

    /** The loss of a case, run with gradient; a loss returning its unreduced losses is summed. */
    private static LossHarness.Result run(JsonObject c, JsonObject data, NDManager m, double[][] emb) {
        GroupLoss loss = build(c);
        NDArray weights = null;
        if (loss instanceof ManifoldLoss manifold) {
            manifold.setWeights(m, Fixtures.matrix(data.get("class_weights")), DataType.FLOAT64);
            weights = manifold.weights().getArray();
        }
        Function<NDArray, NDArray> value = call(c, data, loss);
        return LossHarness.run(m, emb, e -> {
            NDArray v = value.apply(e);
            return v.getShape().dimension() == 0 ? v : v.sum();
        }, weights);
    }

    private static double[] unreduced(JsonObject c, JsonObject data, NDManager m, double[][] emb) {
        return call(c, data, build(c)).apply(m.create(emb)).toDoubleArray();
    }

    /** The loss from the case's registry config. */
    private static GroupLoss build(JsonObject c) {
        JsonObject config = c.getAsJsonObject("config").deepCopy();
        String type = config.remove("type").getAsString();
        return (GroupLoss) REGISTRY.loss(type, config);
    }

    /** How the case calls the loss: with labels (and a miner), on two stacked views, or with meta-classes. */
    private static Function<NDArray, NDArray> call(JsonObject c, JsonObject data, GroupLoss loss) {
        long[] labels = Fixtures.longVector(data.get("labels"));
        String call = c.get("call").getAsString();
        if (call.equals("views")) {
            return e -> {
                long half = e.getShape().get(0) / 2;
                NDArray first = e.get(new NDIndex().addSliceDim(0, half));
                NDArray second = e.get(new NDIndex().addSliceDim(half, 2 * half));
                return loss instanceof VICRegLoss v ? v.forwardViews(first, second)
                        : ((SelfSupervisedLoss) loss).forwardViews(first, second);
            };
        }
        Miner miner = null;
        if (c.has("miner")) {
            JsonObject config = c.getAsJsonObject("miner").deepCopy();
            miner = REGISTRY.miner(config.remove("type").getAsString(), config);
        }
        Miner mine = miner;
        return e -> {
            NDArray l = e.getManager().create(labels);
            return mine == null ? loss.forward(e, l) : loss.forward(e, l, mine.mine(e, l));
        };
    }
}
