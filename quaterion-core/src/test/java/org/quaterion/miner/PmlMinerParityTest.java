package org.quaterion.miner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quaterion.distance.Distance;
import org.quaterion.loss.ContrastiveLoss;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.LossHarness;
import org.quaterion.loss.ParitySuite;
import org.quaterion.loss.TripletMarginLoss;
import org.quaterion.models.Fixtures;
import org.quaterion.reducer.AvgNonZeroReducer;
import org.quaterion.registry.ComponentRegistry;

/**
 * Every case of pml_miners.json (scripts/fixtures/refgen/suites/pml_miners.py): the tuples of the deterministic
 * miners in canonical order, value and gradient of a PML loss fed by each miner, and for the sampling miners the
 * deterministic part of their draw (DistanceWeightedMiner's weights and triplet counts, UniformHistogramMiner's bin
 * edges and candidate pairs) plus where each drawn tuple may come from. Miners are built through the registry from
 * PML's own parameters. The draws themselves are checked statistically in {@link SamplingMinersTest}.
 */
class PmlMinerParityTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();
    private static final Map<String, String> NAMES = Map.of("AngularMiner", "angular", "BatchEasyHardMiner",
            "batch_easy_hard", "DistanceWeightedMiner", "distance_weighted", "EmbeddingsAlreadyPackagedAsTriplets",
            "already_packaged_triplets", "HDCMiner", "hdc", "UniformHistogramMiner", "uniform_histogram");
    /** Distances of tie-equivalent selections agree to rounding. */
    private static final double TIE_TOLERANCE = 1e-9;
    private static final String IDENTICAL = "deg_identical_n6_d4_c2";
    private static final String ANGLE_OF_NOTHING = "all rows identical: the angle at the negative is 0/0 (no "
            + "triangle); PML's 26.6 degrees come from torch's pairwise_distance adding 1e-6 to x - y, ours keeps no "
            + "such triplet (tested in SamplingMinersTest.angularMinerKeepsNoTripletOfIdenticalRows)";

    private final ParitySuite suite = ParitySuite.read("pml_miners.json");
    private int tieEquivalent;
    private int failed;
    private int aboveLinspaceEdge;

    @Test
    void minersMatchPml() {
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            try (NDManager manager = NDManager.newBaseManager()) {
                switch (c.get("kind").getAsString()) {
                    case "tuples" -> tuples(c, id, manager);
                    case "loss" -> loss(c, id, manager);
                    case "distance_weighted" -> distanceWeighted(c, id, manager);
                    case "uniform_histogram" -> uniformHistogram(c, id, manager);
                    default -> fail(id + ": unknown kind " + c.get("kind"));
                }
            } catch (RuntimeException e) {
                fail(id + ": " + e);
            }
        }
        System.out.println("pml_miners.json: " + tieEquivalent + " tuple cases equal up to ties of equal distance; "
                + aboveLinspaceEdge + " histogram sides where PML's last edge falls below the largest distance");
        suite.assertAllMatched();
    }

    /** Our miner for a PML miner spec, through the registry; PML's cosine ranges (similarities) become distances. */
    static Miner ours(JsonObject spec) {
        JsonObject params = spec.getAsJsonObject("params").deepCopy();
        if (params.has("distance") && params.get("distance").getAsString().equals("cosine")) {
            for (String key : new String[] {"allowed_pos_range", "allowed_neg_range"}) {
                if (params.has(key) && !params.get(key).isJsonNull()) {
                    JsonArray s = params.getAsJsonArray(key);
                    JsonArray d = new JsonArray();
                    d.add(1 - s.get(1).getAsDouble());
                    d.add(1 - s.get(0).getAsDouble());
                    params.add(key, d);
                }
            }
        }
        return REGISTRY.miner(NAMES.get(spec.get("name").getAsString()), params);
    }

    private void tuples(JsonObject c, String id, NDManager manager) {
        JsonObject data = suite.dataset(c);
        String miner = c.getAsJsonObject("miner").get("name").getAsString();
        if (miner.equals("AngularMiner") && c.get("dataset").getAsString().equals(IDENTICAL)) {
            suite.skip(id, ANGLE_OF_NOTHING);
            return;
        }
        NDArray[] in = inputs(c, data, manager);
        if (c.has("error")) {
            try {
                mine(ours(c.getAsJsonObject("miner")), in);
                fail(id + ": PML refuses (" + c.get("error").getAsString() + "), we mined");
            } catch (IllegalArgumentException expected) {
                suite.checked();
            }
            return;
        }
        IndexTuples mined = mine(ours(c.getAsJsonObject("miner")), in);
        boolean triplets = c.get("format").getAsString().equals("triplets");
        List<long[]> rows = triplets ? rows(mined.toTriplets()) : rows(mined.toPairs());
        String text = text(rows, triplets);
        boolean same = c.has("sha256") ? sha256(text).equals(c.get("sha256").getAsString())
                : text.equals(text(expectedRows(c.getAsJsonObject("tuples"), triplets), triplets));
        if (same) {
            suite.checked();
        } else if (!triplets && c.has("tuples") && equalUpToTies(c, rows, in)) {
            tieEquivalent++;
            suite.checked();
        } else {
            fail(id + ": tuples differ (ours " + counts(rows, triplets) + ", PML " + c.get("count") + ")");
        }
    }

    /**
     * Whether our pairs and PML's have the same anchors and the same distances, side by side: the same selection
     * up to candidates at exactly equal distances (identical rows, symmetric pairs at a cut-off).
     */
    private boolean equalUpToTies(JsonObject c, List<long[]> ours, NDArray[] in) {
        Distance d = c.getAsJsonObject("miner").getAsJsonObject("params").has("distance") ? Distance.cosine()
                : Distance.euclidean().normalized();
        double[][] mat = matrix(d.matrix(in[0], in[2]));
        // HDCMiner selects by distance alone (a symmetric twin (j, i) may stand in for (i, j)); BatchEasyHardMiner
        // per anchor
        boolean byAnchor = !c.getAsJsonObject("miner").get("name").getAsString().equals("HDCMiner");
        List<double[]> a = keyed(ours, mat, byAnchor);
        List<double[]> b = keyed(expectedRows(c.getAsJsonObject("tuples"), false), mat, byAnchor);
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i)[0] != b.get(i)[0] || a.get(i)[1] != b.get(i)[1]
                    || Math.abs(a.get(i)[2] - b.get(i)[2]) > TIE_TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    /** (side, anchor or 0, distance) of each pair, sorted. */
    private static List<double[]> keyed(List<long[]> pairs, double[][] mat, boolean byAnchor) {
        List<double[]> out = new ArrayList<>();
        for (long[] r : pairs) {
            out.add(new double[] {r[0], byAnchor ? r[1] : 0, mat[(int) r[1]][(int) r[2]]});
        }
        out.sort(Comparator.<double[]>comparingDouble(r -> r[0]).thenComparingDouble(r -> r[1])
                .thenComparingDouble(r -> r[2]));
        return out;
    }

    private void loss(JsonObject c, String id, NDManager manager) {
        JsonObject data = suite.dataset(c);
        JsonObject minerSpec = c.getAsJsonObject("miner");
        if (minerSpec.get("name").getAsString().equals("AngularMiner")
                && c.get("dataset").getAsString().equals(IDENTICAL)) {
            suite.skip(id, ANGLE_OF_NOTHING);
            return;
        }
        NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
        JsonObject lossSpec = c.getAsJsonObject("loss");
        JsonObject lp = lossSpec.getAsJsonObject("params");
        GroupLoss loss = switch (lossSpec.get("name").getAsString()) {
            case "TripletMarginLoss" -> TripletMarginLoss.builder().optMargin(lp.get("margin").getAsDouble())
                    .optSmooth(false).optReducer(new AvgNonZeroReducer()).build();
            case "ContrastiveLoss" -> ContrastiveLoss.builder().optPosMargin(lp.get("pos_margin").getAsDouble())
                    .optNegMargin(lp.get("neg_margin").getAsDouble()).build();
            default -> throw new IllegalArgumentException("no loss mapped for " + lossSpec);
        };
        Miner miner = c.has("tuples") ? null : ours(minerSpec);
        IndexTuples drawn = c.has("tuples") ? recorded(c.getAsJsonObject("tuples"), manager) : null;
        LossHarness.Result r = LossHarness.run(manager, Fixtures.matrix(data.get("embeddings")),
                e -> loss.forward(e, labels, miner == null ? drawn : miner.mine(e, labels)), null);
        suite.compareLoss(c, r, 1e-9);
    }

    private void distanceWeighted(JsonObject c, String id, NDManager manager) {
        JsonObject data = suite.dataset(c);
        DistanceWeightedMiner miner = (DistanceWeightedMiner) ours(c.getAsJsonObject("miner"));
        NDArray[] in = inputs(c, data, manager);
        double[] weights = miner.weights(in[0], in[1], in[2], in[3]).toDoubleArray();
        int before = failures();
        compare(id + ": weights", Fixtures.flat(c.get("weights")), weights, 1e-9);
        int n = (int) in[0].getShape().get(0);
        int m = (int) in[2].getShape().get(0);
        int offset = in[2] == in[0] ? 0 : n;
        IndexTuples.Triplets mined = mine(miner, in).toTriplets();
        long[] counts = new long[n];
        for (long a : mined.a().toLongArray()) {
            counts[(int) a]++;
        }
        if (!Arrays.equals(counts, Fixtures.longVector(c.get("triplets_per_anchor")))) {
            fail(id + ": triplets per anchor " + Arrays.toString(counts) + ", PML "
                    + c.get("triplets_per_anchor"));
        }
        long[] lab = Fixtures.longVector(data.get("labels"));
        JsonObject draw = c.getAsJsonObject("draw");
        List<long[]> drawnByPml = rows(new IndexTuples.Triplets(manager.create(Fixtures.longVector(draw.get("a"))),
                manager.create(Fixtures.longVector(draw.get("p"))), manager.create(Fixtures.longVector(
                        draw.get("n")))));
        for (List<long[]> triplets : List.of(drawnByPml, rows(mined))) {
            for (long[] t : triplets) {
                int a = (int) t[0];
                int p = (int) t[1];
                int ng = (int) t[2];
                if (lab[a] != lab[offset + p] || offset == 0 && a == p || !(weights[a * m + ng] > 0)) {
                    fail(id + ": triplet " + Arrays.toString(t) + " is outside the support of the weights");
                    return;
                }
            }
        }
        if (failures() == before) {
            suite.checked();
        }
    }

    private void uniformHistogram(JsonObject c, String id, NDManager manager) {
        JsonObject data = suite.dataset(c);
        JsonObject params = c.getAsJsonObject("miner").getAsJsonObject("params");
        int bins = params.get("num_bins").getAsInt();
        NDArray e = manager.create(Fixtures.matrix(data.get("embeddings")));
        NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
        MiningContext ctx = MiningContext.of(Distance.euclidean().normalized(), e, labels, e, labels);
        IndexTuples.Pairs all = IndexTuples.pairsFromMasks(ctx.positives(), ctx.negatives());
        IndexTuples.Pairs mined = ours(c.getAsJsonObject("miner")).mine(e, labels).toPairs();
        int before = failures();
        String[] sides = {"pos", "neg"};
        for (int s = 0; s < 2; s++) {
            NDArray a = s == 0 ? all.a1() : all.a2();
            NDArray o = s == 0 ? all.p() : all.n();
            NDArray gotA = s == 0 ? mined.a1() : mined.a2();
            NDArray gotO = s == 0 ? mined.p() : mined.n();
            JsonElement expected = c.get(sides[s]);
            if (expected.isJsonNull()) {
                if (a.size() != 0 || gotA.size() != 0) {
                    fail(id + ": " + sides[s] + " pairs where PML has none");
                }
                continue;
            }
            JsonObject side = expected.getAsJsonObject();
            NDArray values = org.quaterion.internal.LossMath.pick(ctx.distances(), a, o);
            double[] edges = UniformHistogramMiner.edges(values.min().getDouble(), values.max().getDouble(), bins);
            compare(id + ": " + sides[s] + " edges", Fixtures.flat(side.get("edges")), edges, 1e-9);
            long[] binOf = UniformHistogramMiner.binOf(values, edges).toLongArray();
            long[] as = a.toLongArray();
            long[] os = o.toLongArray();
            double[] pmlEdges = Fixtures.flat(side.get("edges"));
            double[] dist = values.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            Map<Long, Set<String>> pmlBins = new java.util.TreeMap<>();
            for (JsonElement b : side.getAsJsonArray("bins")) {
                Set<String> pairs = new HashSet<>();
                for (JsonElement pair : b.getAsJsonObject().getAsJsonArray("pairs")) {
                    pairs.add(pair.getAsJsonArray().get(0).getAsLong() + "," + pair.getAsJsonArray().get(1)
                            .getAsLong());
                }
                pmlBins.put(b.getAsJsonObject().get("bin").getAsLong(), pairs);
            }
            Map<Long, Set<String>> ourBins = new java.util.TreeMap<>();
            Set<String> top = new HashSet<>();
            for (int i = 0; i < as.length; i++) {
                ourBins.computeIfAbsent(binOf[i], b -> new HashSet<>()).add(as[i] + "," + os[i]);
                if (dist[i] >= edges[bins] - 1e-12) {
                    top.add(as[i] + "," + os[i]);
                }
            }
            // torch.linspace's vectorised rounding can put PML's last edge a few ulps below the largest distance,
            // which then lands in no bin; ours ends exactly at it (fixed, see docs/losses.md): PML's bins are ours
            // less some of the pairs at the largest distance
            Map<Long, Set<String>> ourAsPml = new java.util.TreeMap<>();
            ourBins.forEach((b, pairs) -> ourAsPml.put(b, new HashSet<>(pairs)));
            Set<String> last = ourAsPml.get((long) bins - 1);
            boolean dropped = false;
            if (last != null && !last.equals(pmlBins.getOrDefault((long) bins - 1, Set.of()))) {
                dropped = pmlBins.getOrDefault((long) bins - 1, Set.of()).stream().allMatch(last::contains);
                last.retainAll(pmlBins.getOrDefault((long) bins - 1, Set.of()));
                dropped &= ourBins.get((long) bins - 1).stream().filter(p -> !last.contains(p)).allMatch(top::contains);
                if (last.isEmpty()) {
                    ourAsPml.remove((long) bins - 1);
                }
            }
            if (!ourAsPml.equals(pmlBins)) {
                fail(id + ": " + sides[s] + " bins hold other pairs (ours " + ourBins.keySet() + ", PML "
                        + pmlBins.keySet() + ")");
            } else if (dropped) {
                aboveLinspaceEdge++;
            }
            List<Set<String>> candidates = new ArrayList<>(ourBins.values());
            long[] ga = gotA.toLongArray();
            long[] go = gotO.toLongArray();
            int perBin = params.get(s == 0 ? "pos_per_bin" : "neg_per_bin").getAsInt();
            if (ga.length != (long) perBin * candidates.size()) {
                fail(id + ": " + sides[s] + " drew " + ga.length + " pairs from " + candidates.size() + " bins");
                continue;
            }
            for (int j = 0; j < ga.length; j++) {
                if (!candidates.get(j / perBin).contains(ga[j] + "," + go[j])) {
                    fail(id + ": " + sides[s] + " pair " + j + " is not from bin " + (j / perBin + 1)
                            + " of the non-empty bins");
                    break;
                }
            }
        }
        if (failures() == before) {
            suite.checked();
        }
    }

    /**
     * The miner's inputs {embeddings, labels, references, reference labels}: the batch against itself, or with
     * {@code ref_split} h its rows {@code :h} against the references {@code h:} (as a cross-batch memory).
     */
    private static NDArray[] inputs(JsonObject c, JsonObject data, NDManager manager) {
        NDArray e = manager.create(Fixtures.matrix(data.get("embeddings")));
        NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
        if (!c.has("ref_split")) {
            return new NDArray[] {e, labels, e, labels};
        }
        String h = c.get("ref_split").getAsString();
        return new NDArray[] {e.get("0:" + h), labels.get("0:" + h), e.get(h + ":"), labels.get(h + ":")};
    }

    private static IndexTuples mine(Miner miner, NDArray[] in) {
        return in[2] == in[0] ? miner.mine(in[0], in[1]) : miner.mine(in[0], in[1], in[2], in[3]);
    }

    private int failures() {
        return failed;
    }

    private void fail(String message) {
        failed++;
        suite.fail(message);
    }

    /** Like {@link ParitySuite#compareArray}, counted in {@link #failures()}. */
    private void compare(String what, double[] expected, double[] actual, double relTol) {
        double tol = relTol * Math.max(1, LossHarness.maxAbs(expected));
        if (actual.length != expected.length) {
            fail(what + ": length " + actual.length + " expected " + expected.length);
        } else if (!(LossHarness.maxAbsDiff(expected, actual) <= tol)) {
            fail(what + " max|diff| " + LossHarness.maxAbsDiff(expected, actual) + " > " + tol);
        }
    }

    private static IndexTuples recorded(JsonObject t, NDManager m) {
        if (t.has("a")) {
            return new IndexTuples.Triplets(m.create(Fixtures.longVector(t.get("a"))), m.create(Fixtures.longVector(
                    t.get("p"))), m.create(Fixtures.longVector(t.get("n"))));
        }
        return new IndexTuples.Pairs(m.create(Fixtures.longVector(t.get("a1"))), m.create(Fixtures.longVector(
                t.get("p"))), m.create(Fixtures.longVector(t.get("a2"))), m.create(Fixtures.longVector(t.get("n"))));
    }

    /** Triplets as sorted rows {@code (a, p, n)}. */
    private static List<long[]> rows(IndexTuples.Triplets t) {
        long[] a = t.a().toLongArray();
        long[] p = t.p().toLongArray();
        long[] n = t.n().toLongArray();
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            out.add(new long[] {a[i], p[i], n[i]});
        }
        out.sort(Arrays::compare);
        return out;
    }

    /** Pairs as sorted rows {@code (side, anchor, other)}, side 0 for positives and 1 for negatives. */
    private static List<long[]> rows(IndexTuples.Pairs t) {
        List<long[]> out = new ArrayList<>();
        NDArray[][] sides = {{t.a1(), t.p()}, {t.a2(), t.n()}};
        for (int s = 0; s < 2; s++) {
            long[] a = sides[s][0].toLongArray();
            long[] o = sides[s][1].toLongArray();
            for (int i = 0; i < a.length; i++) {
                out.add(new long[] {s, a[i], o[i]});
            }
        }
        out.sort(Arrays::compare);
        return out;
    }

    private static List<long[]> expectedRows(JsonObject t, boolean triplets) {
        List<long[]> out = new ArrayList<>();
        if (triplets) {
            long[] a = Fixtures.longVector(t.get("a"));
            long[] p = Fixtures.longVector(t.get("p"));
            long[] n = Fixtures.longVector(t.get("n"));
            for (int i = 0; i < a.length; i++) {
                out.add(new long[] {a[i], p[i], n[i]});
            }
            return out;
        }
        String[][] keys = {{"a1", "p"}, {"a2", "n"}};
        for (int s = 0; s < 2; s++) {
            long[] a = Fixtures.longVector(t.get(keys[s][0]));
            long[] o = Fixtures.longVector(t.get(keys[s][1]));
            for (int i = 0; i < a.length; i++) {
                out.add(new long[] {s, a[i], o[i]});
            }
        }
        return out;
    }

    /** The suite's canonical text: {@code "a,p,n\n"} per triplet, {@code "+a1,p\n"} then {@code "-a2,n\n"}. */
    private static String text(List<long[]> rows, boolean triplets) {
        StringBuilder out = new StringBuilder();
        for (long[] r : rows) {
            if (triplets) {
                out.append(r[0]).append(',').append(r[1]).append(',').append(r[2]).append('\n');
            } else {
                out.append(r[0] == 0 ? '+' : '-').append(r[1]).append(',').append(r[2]).append('\n');
            }
        }
        return out.toString();
    }

    private static String counts(List<long[]> rows, boolean triplets) {
        return triplets ? String.valueOf(rows.size()) : rows.stream().filter(r -> r[0] == 0).count() + ", "
                + rows.stream().filter(r -> r[0] == 1).count();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(
                    StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[][] matrix(NDArray a) {
        int n = (int) a.getShape().get(0);
        int m = (int) a.getShape().get(1);
        double[] flat = a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * m, out[i], 0, m);
        }
        return out;
    }
}
