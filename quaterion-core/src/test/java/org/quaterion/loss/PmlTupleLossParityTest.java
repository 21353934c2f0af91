package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.Miner;
import org.quaterion.models.Fixtures;

/**
 * Every case of pml_tuple_losses.json (PML 2.8.1's AngularLoss, GeneralizedLiftedStructureLoss,
 * IntraPairVarianceLoss, NPairsLoss, NCALoss, TupletMarginLoss and DynamicSoftMarginLoss, with and without miners, on
 * the shared and the degenerate batches): value and gradient in float64 at 1e-9, the miners' tuple counts, and for
 * DynamicSoftMarginLoss the histogram carried from one call to the next.
 */
class PmlTupleLossParityTest {

    private static final double TOLERANCE = 1e-9;

    @Test
    void pmlTupleLossesMatchPml() {
        ParitySuite suite = ParitySuite.read("pml_tuple_losses.json");
        double[] worst = {0};
        String[] worstCase = {"none"};
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            if (c.has("peer_quirk")) {
                suite.skip(id, c.get("peer_quirk").getAsString());
                continue;
            }
            JsonObject data = suite.dataset(c);
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
                double[][] emb = Fixtures.matrix(data.get("embeddings"));
                GroupLoss loss = build(c);
                if (c.has("first_dataset")) {
                    runFirstBatch(suite.dataset(firstOf(c)), (DynamicSoftMarginLoss) loss, manager);
                }
                Miner miner = LossParityTest.miner(c);
                Function<NDArray, NDArray> fn = e -> loss.forward(e, labels,
                        miner == null ? null : miner.mine(e, labels));
                LossHarness.Result r = LossHarness.run(manager, emb, fn, null);
                suite.compareLoss(c, r, TOLERANCE);
                double rel = Math.max(Math.abs(r.value() - c.get("value").getAsDouble())
                        / Math.max(1, Math.abs(c.get("value").getAsDouble())), LossHarness.maxAbsDiff(r.grad(),
                        Fixtures.flat(c.get("grad"))) / Math.max(1, LossHarness.maxAbs(Fixtures.flat(c.get("grad")))));
                if (rel > worst[0]) {
                    worst[0] = rel;
                    worstCase[0] = id;
                }
                checkMinedCount(suite, c, miner, manager.create(emb), labels);
                if (c.has("histogram")) {
                    suite.compareArray(id + ": histogram", Fixtures.flat(c.get("histogram")),
                            ((DynamicSoftMarginLoss) loss).histogram(), TOLERANCE);
                }
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        System.out.println("pml_tuple_losses.json: largest relative difference " + worst[0] + " (" + worstCase[0]
                + "; value to max(1, |value|), gradient to max(1, max|grad|))");
        suite.assertAllMatched();
    }

    /** A case naming the first batch of a sequence, read through the suite's dataset lookup. */
    private static JsonObject firstOf(JsonObject c) {
        JsonObject first = new JsonObject();
        first.add("id", c.get("id"));
        first.add("dataset", c.get("first_dataset"));
        return first;
    }

    private static void runFirstBatch(JsonObject data, DynamicSoftMarginLoss loss, NDManager manager) {
        try (NDManager sub = manager.newSubManager()) {
            loss.forward(sub.create(Fixtures.matrix(data.get("embeddings"))),
                    sub.create(Fixtures.longVector(data.get("labels"))));
        }
    }

    private static GroupLoss build(JsonObject c) {
        JsonObject p = c.getAsJsonObject("params");
        String distance = p.has("distance") ? p.get("distance").getAsString() : null;
        switch (c.get("loss").getAsString()) {
            case "AngularLoss":
                return AngularLoss.builder().optAlpha(num(p, "alpha")).build();
            case "GeneralizedLiftedStructureLoss": {
                double pos = num(p, "pos_margin");
                double neg = num(p, "neg_margin");
                // PML's cosine margins are on the similarity: m' = 1 − m on the cosine distance
                return "CosineSimilarity()".equals(distance)
                        ? GeneralizedLiftedStructureLoss.builder().optDistance(Distance.cosine()).optPosMargin(1 - pos)
                                .optNegMargin(1 - neg).build()
                        : GeneralizedLiftedStructureLoss.builder().optPosMargin(pos).optNegMargin(neg).build();
            }
            case "IntraPairVarianceLoss":
                return IntraPairVarianceLoss.builder().optPosEps(num(p, "pos_eps")).optNegEps(num(p, "neg_eps"))
                        .optDistance(distance == null ? null : pmlDistance(distance)).build();
            case "NPairsLoss":
                return NPairsLoss.builder().optDistance(distance == null ? null : pmlDistance(distance)).build();
            case "NCALoss":
                return NCALoss.builder().optSoftmaxScale(num(p, "softmax_scale"))
                        .optDistance(distance == null ? null : pmlDistance(distance)).build();
            case "TupletMarginLoss":
                return TupletMarginLoss.builder().optMargin(num(p, "margin")).optScale(num(p, "scale")).build();
            case "DynamicSoftMarginLoss":
                return DynamicSoftMarginLoss.builder().optMinVal(num(p, "min_val"))
                        .optNumBins(p.get("num_bins").getAsInt()).optMomentum(num(p, "momentum")).build();
            default:
                throw new IllegalArgumentException("no loss mapped for " + c.get("loss"));
        }
    }

    private static double num(JsonObject p, String key) {
        return p.get(key).getAsDouble();
    }

    /** PML's distances as ours: {@code LpDistance()} is normalised L2, {@code CosineSimilarity()} the cosine. */
    private static Distance pmlDistance(String spec) {
        return switch (spec) {
            case "LpDistance()" -> Distance.euclidean().normalized();
            case "CosineSimilarity()" -> Distance.cosine();
            default -> throw new IllegalArgumentException("unknown PML distance " + spec);
        };
    }

    /** The miner finds as many tuples as PML's did ({@code extras.mined_tuples}: pair counts or a triplet count). */
    private static void checkMinedCount(ParitySuite suite, JsonObject c, Miner miner, NDArray emb, NDArray labels) {
        if (miner == null) {
            return;
        }
        JsonElement want = c.getAsJsonObject("extras").get("mined_tuples");
        IndexTuples tuples = miner.mine(emb, labels);
        long[] expected = want.isJsonArray() ? Fixtures.longVector(want) : new long[] {want.getAsLong()};
        long[] got = want.isJsonArray() ? tuples.toPairs().sizes() : new long[] {tuples.toTriplets().size()};
        if (!Arrays.equals(expected, got)) {
            suite.fail(c.get("id").getAsString() + ": mined " + Arrays.toString(got) + " tuples, PML mined "
                    + Arrays.toString(expected));
        }
    }

}
