package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quaterion.miner.BatchHardMiner;
import org.quaterion.miner.TripletMarginMiner;
import org.quaterion.reducer.ClassWeightedReducer;
import org.quaterion.reducer.DivisorReducer;
import org.quaterion.reducer.DoNothingReducer;
import org.quaterion.reducer.MeanReducer;
import org.quaterion.reducer.MultipleReducers;
import org.quaterion.reducer.PerAnchorReducer;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.TermType;
import org.quaterion.reducer.Terms;
import org.quaterion.registry.ComponentRegistry;

/**
 * The composite and self-supervised losses and the PML reducers beyond their fixtures: their registry and YAML forms,
 * the forms of their inputs, and what they refuse, with which message.
 */
class PmlComposeTest {

    private static final ComponentRegistry REGISTRY = ComponentRegistry.discover();
    private static final long[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static double value(GroupLoss loss, NDManager m, double[][] emb, long[] labels) {
        loss.initialize(m, DataType.FLOAT64);
        return loss.forward(m.create(emb), m.create(labels)).getDouble();
    }

    private static void assertMessage(String expected, Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    @Test
    void compositesRoundTripThroughTheRegistryInBothForms() {
        JsonObject list = json("{\"losses\": [{\"type\": \"contrastive\", \"neg_margin\": 0.8}, \"triplet_margin\"],"
                + " \"weights\": [1, 0.5], \"miners\": [null, {\"type\": \"batch_hard\"}]}");
        MultipleLosses fromList = (MultipleLosses) REGISTRY.loss("multiple_losses", list);
        assertEquals("[0, 1]", fromList.losses().keySet().toString());
        JsonObject written = REGISTRY.describe(fromList);
        assertEquals(fromList.config(), REGISTRY.loss(written).config(), "round trip of " + written);
        assertTrue(fromList.config().get("miners").toString().startsWith("[null,{\"type\":\"batch_hard\""),
                fromList.config().toString());
        JsonObject map = json("{\"losses\": {\"pairs\": {\"type\": \"contrastive\", \"config\": {\"neg_margin\": 0.8}},"
                + " \"triplets\": \"triplet_margin\"}, \"weights\": {\"pairs\": 1, \"triplets\": 0.5}}");
        MultipleLosses fromMap = (MultipleLosses) REGISTRY.loss("multiple_losses", map);
        assertEquals(fromMap.config(), REGISTRY.loss(REGISTRY.describe(fromMap)).config());
        assertEquals("{\"pairs\":1.0,\"triplets\":0.5}", fromMap.config().get("weights").toString());
        SelfSupervisedLoss ssl = (SelfSupervisedLoss) REGISTRY.loss("self_supervised",
                json("{\"loss\": {\"type\": \"ntxent\", \"temperature\": 0.2}, \"symmetric\": false}"));
        assertEquals("ntxent", ssl.config().getAsJsonObject("loss").get("type").getAsString());
        assertEquals(0.2, ssl.config().getAsJsonObject("loss").get("temperature").getAsDouble());
        assertEquals(false, ssl.config().get("symmetric").getAsBoolean());
        assertEquals(ssl.config(), REGISTRY.loss(REGISTRY.describe(ssl)).config());
        // the builders give the same configs
        assertEquals(fromList.config(), MultipleLosses.builder().add(ContrastiveLoss.builder().optNegMargin(0.8)
                .build()).add("1", new TripletMarginLoss(), 0.5, new BatchHardMiner()).build().config());
        JsonObject reducer = json("{\"reducer\": {\"type\": \"per_anchor\", \"reducer\": {\"type\": \"class_weighted\","
                + " \"weights\": [1, 2, 3]}}}");
        SimilarityLoss withReducer = REGISTRY.loss("contrastive", reducer);
        assertEquals(withReducer.config(), REGISTRY.loss(REGISTRY.describe(withReducer)).config());
    }

    @Test
    void multipleLossesIsTheWeightedSumOfItsMembers() {
        double[][] emb = rows(5, 12, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            double pairs = value(new ContrastiveLoss(), m, emb, LABELS);
            double triplets = value(new TripletMarginLoss(0.2), m, emb, LABELS);
            double sum = value(MultipleLosses.builder().add(new ContrastiveLoss(), 2).add(new TripletMarginLoss(0.2),
                    0.5).build(), m, emb, LABELS);
            assertEquals(2 * pairs + 0.5 * triplets, sum, 1e-12);
            // a miner per member: the member sees its mined tuples, the others all of them
            NDArray e = m.create(emb);
            NDArray l = m.create(LABELS);
            TripletMarginMiner miner = TripletMarginMiner.builder().optMargin(0.2).build();
            double mined = new TripletMarginLoss(0.2).forward(e, l, miner.mine(e, l)).getDouble();
            MultipleLosses withMiner = MultipleLosses.builder().add("all", new ContrastiveLoss(), 1, null)
                    .add("mined", new TripletMarginLoss(0.2), 1, miner).build();
            assertEquals(pairs + mined, withMiner.forward(e, l).getDouble(), 1e-12);
            assertMessage("mine their own tuples", () -> withMiner.forward(e, l, miner.mine(e, l)));
            // class-weight members: their parameters, prefixed by the member's key
            MultipleLosses withWeights = MultipleLosses.builder().add(new ContrastiveLoss()).add(ManifoldLoss.builder()
                    .setNumClasses(3).setEmbeddingSize(4).build()).build();
            withWeights.initialize(m, DataType.FLOAT64);
            assertEquals("[1.proxies]", withWeights.parameters().keys().toString());
        }
        assertMessage("a weight for every loss or none", () -> REGISTRY.loss("multiple_losses",
                json("{\"losses\": [\"contrastive\", \"triplet_margin\"], \"weights\": [1]}")));
        assertMessage("a miner for b but no such loss", () -> REGISTRY.loss("multiple_losses",
                json("{\"losses\": {\"a\": \"contrastive\"}, \"miners\": {\"b\": \"batch_hard\"}}")));
        assertMessage("needs losses", () -> REGISTRY.loss("multiple_losses", new JsonObject()));
        assertMessage("must be a group loss", () -> REGISTRY.loss("multiple_losses",
                json("{\"losses\": [\"cosent\"]}")));
        assertMessage("hidden from checkpoints", () -> MultipleLosses.of(CrossBatchMemory.builder(
                new ContrastiveLoss()).build()));
    }

    @Test
    void selfSupervisedPairsTheViewsAndRefusesWhatPmlRefuses() {
        double[][] views = rows(6, 8, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(views).get("0:4");
            NDArray y = m.create(views).get("4:8");
            long[] ids = {0, 1, 2, 3, 0, 1, 2, 3};
            NDArray both = NDArrays.concat(new NDList(x, y), 0);
            double inner = new NTXentLoss(0.1).forward(both, m.create(ids)).getDouble();
            assertEquals(inner, SelfSupervisedLoss.of(new NTXentLoss(0.1)).forwardViews(x, y).getDouble(), 1e-12);
            NDArray rows = m.arange(4).toType(DataType.INT64, false);
            double asymmetric = new NTXentLoss(0.1).forward(x, rows, null, y, rows).getDouble();
            assertEquals(asymmetric, SelfSupervisedLoss.of(new NTXentLoss(0.1), false).forwardViews(x, y).getDouble(),
                    1e-12);
            // through forward, the labels say which rows are views of one input
            assertEquals(inner, SelfSupervisedLoss.of(new NTXentLoss(0.1)).forward(both, m.create(ids)).getDouble(),
                    1e-12);
            assertMessage("two views of the same shape", () -> SelfSupervisedLoss.of(new NTXentLoss(0.1))
                    .forwardViews(x, y.get("0:3")));
            assertMessage("pairs the two views itself", () -> SelfSupervisedLoss.of(new ContrastiveLoss())
                    .forward(both, m.create(ids), new BatchHardMiner().mine(both, m.create(ids))));
        }
        assertMessage("cannot wrap FastAPLoss", () -> SelfSupervisedLoss.of(new FastAPLoss(10)));
        assertMessage("cannot wrap ArcFaceLoss", () -> REGISTRY.loss("self_supervised",
                json("{\"loss\": {\"type\": \"arcface\", \"num_classes\": 2, \"embedding_size\": 2}}")));
    }

    @Test
    void vicregTakesTwoViewsInEitherForm() {
        double[][] rows = rows(8, 10, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray e = m.create(rows);
            VICRegLoss loss = new VICRegLoss();
            double views = loss.forwardViews(e.get("0:5"), e.get("5:10")).getDouble();
            long[] stacked = {3, 1, 4, 1, 5, 3, 1, 4, 1, 5};
            assertEquals(views, loss.forward(e, m.create(stacked)).getDouble(), 1e-12, "rows i and i + N");
            assertMessage("halves do not pair", () -> loss.forward(e, m.create(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8,
                    9})));
            assertMessage("at least 2 rows per view", () -> loss.forwardViews(e.get("0:1"), e.get("1:2")));
            double[][] identical = new double[6][];
            for (int i = 0; i < 6; i++) {
                identical[i] = new double[] {0.5, -1, 2, 0.25};
            }
            LossHarness.Result r = LossHarness.run(m, identical, x -> loss.forwardViews(x.get("0:3"), x.get("3:6")),
                    null);
            // no spread: each variance term is [1 - sqrt(eps)]_+ / 2 per dimension, nothing else
            assertEquals(25 * 2 * (1 - Math.sqrt(1e-4)) / 2, r.value(), 1e-12);
            for (double g : r.grad()) {
                assertTrue(Double.isFinite(g));
            }
            assertMessage("has no setting 'distance'", () -> REGISTRY.loss("vicreg", json("{\"distance\": \"cosine\"}")));
        }
    }

    @Test
    void manifoldUsesTheLabelsAsMetaClasses() {
        ManifoldLoss loss = ManifoldLoss.builder().setNumClasses(3).setEmbeddingSize(4).build();
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] emb = rows(9, 12, 4);
            assertTrue(value(loss, m, emb, LABELS) > 0);
            NDArray e = m.create(emb);
            assertMessage("labels must be in [0, 3)", () -> loss.forward(e, m.create(new long[] {0, 1, 2, 3, 0, 1, 2,
                    3, 0, 1, 2, 3})));
            assertMessage("not with reference embeddings", () -> loss.forward(e, m.create(LABELS), null, e.get("0:4"),
                    m.create(new long[] {0, 1, 2, 0})));
            assertMessage("0 < alpha < 1", () -> ManifoldLoss.builder().setNumClasses(3).setEmbeddingSize(4)
                    .optAlpha(1).build());
        }
    }

    @Test
    void reducersServeTheTermsTheyCanAndRefuseTheOthers() {
        double[][] emb = rows(3, 12, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            // a loss that does not state its anchors, and the kinds a reducer refuses
            assertMessage("does not state the anchor", () -> value(LiftedStructureLoss.builder()
                    .optReducer(ClassWeightedReducer.of(1, 1, 1)).build(), m, emb, LABELS));
            assertMessage("not the triplet losses of TripletMarginLoss", () -> value(TripletMarginLoss.builder()
                    .optReducer(new PerAnchorReducer()).build(), m, emb, LABELS));
            assertMessage("does not state a divisor", () -> value(ContrastiveLoss.builder()
                    .optReducer(new DivisorReducer()).build(), m, emb, LABELS));
            assertMessage("has the parts [pos_loss, neg_loss]", () -> value(ContrastiveLoss.builder()
                    .optReducer(new DoNothingReducer()).build(), m, emb, LABELS));
            assertMessage("part 'pos' but ContrastiveLoss has the parts", () -> value(ContrastiveLoss.builder()
                    .optReducer(MultipleReducers.builder().add("pos", new MeanReducer()).build()).build(), m, emb,
                    LABELS));
            assertMessage("has 2 weights but ContrastiveLoss (pos_loss) has labels in [0, 2]", () -> value(ContrastiveLoss
                    .builder().optReducer(ClassWeightedReducer.of(1, 2)).build(), m, emb, LABELS));
            assertMessage("returns the losses unreduced", () -> MultipleReducers.builder().add("pos_loss",
                    new DoNothingReducer()).build());
            // equal class weights are the mean; do_nothing returns every triplet's loss
            double mean = value(TripletMarginLoss.builder().optReducer(new MeanReducer()).build(), m, emb, LABELS);
            assertEquals(mean, value(TripletMarginLoss.builder().optReducer(ClassWeightedReducer.of(1, 1, 1))
                    .build(), m, emb, LABELS), 1e-12);
            NDArray all = TripletMarginLoss.builder().optReducer(new DoNothingReducer()).build()
                    .forward(m.create(emb), m.create(LABELS));
            assertEquals(12 * 3 * 8, all.size(), "12 anchors × 3 positives × 8 negatives");
            assertEquals(mean, all.mean().getDouble(), 1e-12);
            // divisor: the sum over the stated divisor, 0 for a divisor of 0
            Reducer divisor = new DivisorReducer();
            NDArray losses = m.create(new double[] {1, 2, 3});
            NDArray zero = m.create(0.0);
            assertEquals(2.0, divisor.reduce(new Terms("t", "loss", TermType.ELEMENT, losses, null, null, null,
                    m.create(3.0), null), zero).getDouble(), 0);
            assertEquals(0.0, divisor.reduce(new Terms("t", "loss", TermType.ELEMENT, losses, null, null, null,
                    m.create(0.0), null), zero).getDouble(), 0);
        }
        assertMessage("needs weights", () -> REGISTRY.reducer("class_weighted"));
    }

    /** Standard normal embedding rows. */
    private static double[][] rows(long seed, int n, int d) {
        return org.quaterion.registry.AllLosses.gaussian(new java.util.Random(seed), n, d);
    }
}
