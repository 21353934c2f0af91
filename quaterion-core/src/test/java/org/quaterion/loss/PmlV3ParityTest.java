package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.models.Fixtures;
import org.quaterion.registry.ComponentRegistry;

/**
 * Every case of pml_v3_losses.json (suite {@code pml_v3}): PML 3's SmoothAPLoss, MultiSupConLoss (also with the
 * anchor reducers), DecoupledContrastiveLoss, SelectivelyContrastiveTripletLoss and DynamicArcFaceLoss (1, 2 and 3
 * sub-centres, gradients of the embeddings and the class weights), value and gradient in float64 within 1e-9. The
 * references are PML 2.8.1, PML pull requests #721 and #667 run from their head commits and, where no PML source
 * exists, the suite's own PyTorch code written from PML 3's equations and the papers (each case's {@code peer} says
 * which).
 */
class PmlV3ParityTest {

    private static final double TOLERANCE = 1e-9;

    @Test
    void pmlV3LossesMatchTheirReferences() {
        ParitySuite suite = ParitySuite.read("pml_v3_losses.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            JsonObject data = suite.dataset(c);
            try (NDManager manager = NDManager.newBaseManager()) {
                Function<NDArray, NDArray> loss = build(c, data, manager);
                NDArray weights = null;
                if (c.get("loss").getAsString().equals("DynamicArcFaceLoss")) {
                    DynamicArcFaceLoss arc = dynamicArcFace(c.getAsJsonObject("params"));
                    arc.setWeights(manager, Fixtures.matrix(data.get("class_weights")), ai.djl.ndarray.types.DataType.FLOAT64);
                    weights = arc.weights().getArray();
                    NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
                    loss = e -> arc.forward(e, labels);
                }
                LossHarness.Result r = LossHarness.run(manager, Fixtures.matrix(data.get("embeddings")), loss,
                        weights);
                suite.compareLoss(c, r, TOLERANCE);
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        suite.assertAllMatched();
    }

    private static Function<NDArray, NDArray> build(JsonObject c, JsonObject data, NDManager manager) {
        JsonObject p = c.getAsJsonObject("params");
        NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
        switch (c.get("loss").getAsString()) {
            case "SmoothAPLoss": {
                SmoothAPLoss loss = SmoothAPLoss.builder().optTemperature(p.get("temperature").getAsDouble()).build();
                return e -> loss.forward(e, labels);
            }
            case "MultiSupConLoss": {
                MultiSupConLoss loss = (MultiSupConLoss) ComponentRegistry.discover().loss("multi_supcon", p);
                if (data.has("label_sets")) {
                    NDArray sets = manager.create(Fixtures.longMatrix(data.get("label_sets")));
                    return e -> loss.forwardLabelSets(e, sets);
                }
                return e -> loss.forward(e, labels);
            }
            case "DecoupledContrastiveLoss": {
                Double sigma = p.get("sigma").isJsonNull() ? null : p.get("sigma").getAsDouble();
                DecoupledContrastiveLoss loss = DecoupledContrastiveLoss.builder()
                        .optTemperature(p.get("temperature").getAsDouble()).optSigma(sigma).build();
                return e -> loss.forward(e, labels);
            }
            case "SelectivelyContrastiveTripletLoss": {
                SelectivelyContrastiveTripletLoss loss = SelectivelyContrastiveTripletLoss.builder()
                        .optTemperature(p.get("temperature").getAsDouble()).optLambda(p.get("lambda").getAsDouble())
                        .build();
                return e -> loss.forward(e, labels);
            }
            case "DynamicArcFaceLoss":
                return null; // built with its class weights in the test
            default:
                throw new IllegalArgumentException("no implementation mapped for " + c.get("loss"));
        }
    }

    private static DynamicArcFaceLoss dynamicArcFace(JsonObject p) {
        long[] counts = Fixtures.longVector(p.get("class_counts"));
        DynamicArcFaceLoss.Builder b = DynamicArcFaceLoss.builder().setEmbeddingSize(p.get("embedding_size").getAsInt())
                .optMarginBounds(p.get("min_margin").getAsDouble(), p.get("max_margin").getAsDouble())
                .optPower(p.get("power").getAsDouble()).optScale(p.get("scale").getAsDouble())
                .optSubCenters(p.get("sub_centers").getAsInt());
        return (counts.length > 0 ? b.setClassCounts(counts) : b.setNumClasses(p.get("num_classes").getAsInt())).build();
    }
}
