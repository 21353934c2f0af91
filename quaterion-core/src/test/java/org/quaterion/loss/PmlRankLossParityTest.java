package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.miner.Miner;
import org.quaterion.models.Fixtures;

/**
 * Every case of pml_rank_losses.json (PML 2.8.1's SignalToNoiseRatioContrastiveLoss, RankedListLoss, HistogramLoss,
 * InstanceLoss, PNPLoss and ThresholdConsistentMarginLoss on the shared and the degenerate batches, with and without
 * miners): value and gradient in float64 within 1e-9, the number of mined tuples, and our default distance and
 * reducer against PML's ({@code peer_defaults}). HistogramLoss cases marked {@code reference: corrected} are PML's
 * formula with the bin index clamped to the grid (PML raises there); their gradients, like all HistogramLoss
 * gradients, are autograd's slope of the bin holding each similarity.
 */
class PmlRankLossParityTest {

    @Test
    void lossesMatchPml() {
        ParitySuite suite = ParitySuite.read("pml_rank_losses.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            JsonObject data = suite.dataset(c);
            try (NDManager manager = NDManager.newBaseManager()) {
                GroupLoss loss = build(c);
                checkDefaults(suite, id, c, loss);
                Miner miner = LossParityTest.miner(c);
                NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
                double[][] emb = Fixtures.matrix(data.get("embeddings"));
                LossHarness.Result r = LossHarness.run(manager, emb, e -> loss.forward(e, labels,
                        miner == null ? null : miner.mine(e, labels)), null);
                suite.compareLoss(c, r, 1e-9);
                if (miner != null) {
                    checkMinedCount(suite, id, c, miner.mine(manager.create(emb), labels));
                }
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }

    private static GroupLoss build(JsonObject c) {
        JsonObject p = c.getAsJsonObject("params");
        switch (c.get("loss").getAsString()) {
            case "SignalToNoiseRatioContrastiveLoss":
                return SignalToNoiseRatioContrastiveLoss.builder().optPosMargin(num(p, "pos_margin"))
                        .optNegMargin(num(p, "neg_margin")).build();
            case "RankedListLoss": {
                RankedListLoss.Builder b = RankedListLoss.builder().setMargin(num(p, "margin")).setTn(num(p, "Tn"));
                if (p.has("Tp")) {
                    b.optTp(num(p, "Tp"));
                }
                if (p.has("imbalance")) {
                    b.optImbalance(num(p, "imbalance"));
                }
                if (p.has("alpha")) {
                    b.optAlpha(num(p, "alpha"));
                }
                return b.build();
            }
            case "HistogramLoss":
                return HistogramLoss.builder().optNBins(p.get("n_bins").getAsInt()).build();
            case "InstanceLoss":
                return InstanceLoss.builder().optGamma(num(p, "gamma")).build();
            case "PNPLoss":
                return PNPLoss.builder().optB(num(p, "b")).optAlpha(num(p, "alpha")).optAnneal(num(p, "anneal"))
                        .optVariant(PNPLoss.VARIANT.read(p.get("variant"))).build();
            case "ThresholdConsistentMarginLoss":
                return ThresholdConsistentMarginLoss.builder().optLambdaPlus(num(p, "lambda_plus"))
                        .optLambdaMinus(num(p, "lambda_minus")).optMarginPlus(num(p, "margin_plus"))
                        .optMarginMinus(num(p, "margin_minus")).build();
            default:
                throw new IllegalArgumentException("no mapping for " + c.get("loss"));
        }
    }

    private static double num(JsonObject p, String key) {
        return p.get(key).getAsDouble();
    }

    /** Our default distance and reducer are PML's ({@code peer_defaults}); an already-reduced loss has none. */
    private static void checkDefaults(ParitySuite suite, String id, JsonObject c, GroupLoss loss) {
        JsonObject defaults = c.getAsJsonObject("peer_defaults");
        JsonObject d = defaults.getAsJsonObject("distance");
        Distance expected = switch (d.get("class").getAsString()) {
            case "LpDistance" -> Distance.euclidean().normalized();
            case "CosineSimilarity" -> Distance.cosine();
            case "SNRDistance" -> Distance.snr().normalized();
            default -> throw new IllegalArgumentException("unmapped PML distance " + d);
        };
        if (!d.get("normalize_embeddings").getAsBoolean() || d.get("power").getAsDouble() != 1) {
            throw new IllegalArgumentException("unexpected PML distance settings " + d);
        }
        if (!expected.equals(loss.distance())) {
            suite.fail(id + ": distance " + loss.distance() + ", PML's default is " + d);
        }
        if (loss.reducer() != null) {
            // PML wraps the default reducer of a loss with sub-losses (pos_loss, neg_loss) in MultipleReducers, one
            // AvgNonZeroReducer per part
            String pml = defaults.get("reducer").getAsString().replace("MultipleReducers", "AvgNonZeroReducer");
            String ours = loss.reducer().getClass().getSimpleName();
            if (!ours.equals(pml)) {
                suite.fail(id + ": reducer " + ours + ", PML's default is " + pml);
            }
        }
    }

    private static void checkMinedCount(ParitySuite suite, String id, JsonObject c, IndexTuples tuples) {
        JsonElement expected = c.getAsJsonObject("extras").get("mined_tuples");
        String got;
        String want;
        if (expected.isJsonArray()) {
            long[] sizes = tuples.toPairs().sizes();
            got = sizes[0] + "," + sizes[1];
            want = expected.getAsJsonArray().get(0).getAsLong() + "," + expected.getAsJsonArray().get(1).getAsLong();
        } else {
            got = String.valueOf(tuples.toTriplets().size());
            want = String.valueOf(expected.getAsLong());
        }
        if (!got.equals(want)) {
            suite.fail(id + ": mined " + got + " tuples, PML mined " + want);
        }
    }
}
