package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quaterion.miner.Miner;
import org.quaterion.models.Fixtures;

/**
 * Every case of pml_classifier_losses.json (PML 2.8.1): the classifier and proxy losses' value and gradients
 * (embeddings and class weights / proxies / centres) with and without miners and regularizers, each regularizer on
 * its own, and SubCenterArcFace's outliers and dominant sub-centres; float64, 1e-9.
 */
class PmlClassifierLossParityTest {

    private static final double TOLERANCE = 1e-9;

    /** The largest relative difference seen (value to max(1, |value|), gradients to max(1, max|grad|)), by case. */
    private double worst;
    private String worstCase = "none";

    @Test
    void classifierLossesAndRegularizersMatchPml() {
        ParitySuite suite = ParitySuite.read("pml_classifier_losses.json");
        for (JsonObject c : suite.cases()) {
            String id = c.get("id").getAsString();
            JsonObject data = suite.dataset(c);
            try (NDManager manager = NDManager.newBaseManager()) {
                switch (c.get("kind").getAsString()) {
                    case "loss":
                        compareLoss(suite, c, data, manager);
                        break;
                    case "regularizer":
                        Regularizer r = regularizer(c.getAsJsonObject("regularizer"), data);
                        compare(suite, c, LossHarness.run(manager, Fixtures.matrix(data.get(c.get("rows")
                                .getAsString())), r::compute, null));
                        break;
                    case "outliers":
                        compareOutliers(suite, c, data, manager);
                        break;
                    default:
                        suite.fail(id + ": unknown kind " + c.get("kind"));
                }
            } catch (RuntimeException e) {
                suite.fail(id + ": " + e);
            }
        }
        System.out.println("pml_classifier_losses.json: largest relative difference " + worst + " (" + worstCase
                + ")");
        suite.assertAllMatched();
    }

    /** Compares a run with its case and keeps the largest relative difference. */
    private void compare(ParitySuite suite, JsonObject c, LossHarness.Result r) {
        suite.compareLoss(c, r, TOLERANCE);
        double expected = c.get("value").getAsDouble();
        track(c, Math.abs(expected - r.value()) / Math.max(1, Math.abs(expected)));
        track(c, relative(Fixtures.flat(c.get("grad")), r.grad()));
        if (c.has("grad_class_weights")) {
            track(c, relative(Fixtures.flat(c.get("grad_class_weights")), r.weightGrad()));
        }
    }

    private static double relative(double[] expected, double[] actual) {
        return LossHarness.maxAbsDiff(expected, actual) / Math.max(1, LossHarness.maxAbs(expected));
    }

    private void track(JsonObject c, double difference) {
        if (difference > worst) {
            worst = difference;
            worstCase = c.get("id").getAsString();
        }
    }

    private void compareLoss(ParitySuite suite, JsonObject c, JsonObject data, NDManager manager) {
        JsonObject p = c.getAsJsonObject("params");
        ClassWeightLoss loss = build(c.get("loss").getAsString(), p, data);
        loss.setWeights(manager, Fixtures.matrix(data.get("class_weights")), DataType.FLOAT64);
        GroupLoss wrapped = loss;
        if (p.has("weight_regularizer") || p.has("embedding_regularizer")) {
            wrapped = RegularizedLoss.of(loss, new RegularizedLoss.Terms(
                    p.has("embedding_regularizer") ? regularizer(p.getAsJsonObject("embedding_regularizer"), data)
                            : null, number(p, "embedding_reg_weight", 1),
                    p.has("weight_regularizer") ? regularizer(p.getAsJsonObject("weight_regularizer"), data) : null,
                    number(p, "weight_reg_weight", 1)));
        }
        NDArray labels = manager.create(Fixtures.longVector(data.get("labels")));
        Miner miner = LossParityTest.miner(c);
        GroupLoss l = wrapped;
        Function<NDArray, NDArray> f = e -> l.forward(e, labels, miner == null ? null : miner.mine(e, labels));
        compare(suite, c, LossHarness.run(manager, Fixtures.matrix(data.get("embeddings")), f,
                loss.weights().getArray()));
    }

    /** The loss of a case with PML's defaults for the settings the case leaves out. */
    private static ClassWeightLoss build(String name, JsonObject p, JsonObject data) {
        int classes = data.get("num_classes").getAsInt();
        int dim = data.get("dim").getAsInt();
        switch (name) {
            case "LargeMarginSoftmaxLoss":
                return LargeMarginSoftmaxLoss.builder().setNumClasses(classes).setEmbeddingSize(dim)
                        .optMargin((int) number(p, "margin", 4)).optScale(number(p, "scale", 1)).build();
            case "SphereFaceLoss":
                return SphereFaceLoss.builder().setNumClasses(classes).setEmbeddingSize(dim)
                        .optMargin((int) number(p, "margin", 4)).optScale(number(p, "scale", 1)).build();
            case "NormalizedSoftmaxLoss":
                return NormalizedSoftmaxLoss.builder().setNumClasses(classes).setEmbeddingSize(dim)
                        .optTemperature(number(p, "temperature", 0.05)).build();
            case "ProxyNCALoss":
                return ProxyNCALoss.builder().setNumClasses(classes).setEmbeddingSize(dim)
                        .optSoftmaxScale(number(p, "softmax_scale", 1)).build();
            case "SoftTripleLoss":
                return SoftTripleLoss.builder().setNumClasses(classes).setEmbeddingSize(dim)
                        .optCentersPerClass((int) number(p, "centers_per_class", 10)).optLa(number(p, "la", 20))
                        .optGamma(number(p, "gamma", 0.1)).optMargin(number(p, "margin", 0.01)).build();
            case "SubCenterArcFaceLoss":
                return SubCenterArcFaceLoss.builder().setNumClasses(classes).setEmbeddingSize(dim)
                        .optMarginDegrees(number(p, "margin", 28.6)).optScale(number(p, "scale", 64))
                        .optSubCenters((int) number(p, "sub_centers", 3)).build();
            case "P2SGradLoss":
                return P2SGradLoss.builder().setNumClasses(classes).setEmbeddingSize(dim).build();
            default:
                throw new IllegalArgumentException("unknown loss " + name);
        }
    }

    /** A regularizer of the fixture's {@code {type, …}} form; sparse centres take their sizes from the dataset. */
    private static Regularizer regularizer(JsonObject spec, JsonObject data) {
        JsonObject json = spec.deepCopy();
        if (json.get("type").getAsString().equals("sparse_centers")) {
            json.add("num_classes", data.get("num_classes"));
            json.add("centers_per_class", data.get("centers_per_class"));
        }
        return Regularizers.read(json);
    }

    private static void compareOutliers(ParitySuite suite, JsonObject c, JsonObject data, NDManager manager) {
        String id = c.get("id").getAsString();
        SubCenterArcFaceLoss loss = SubCenterArcFaceLoss.builder().setNumClasses(data.get("num_classes").getAsInt())
                .setEmbeddingSize(data.get("dim").getAsInt()).optSubCenters(data.get("centers_per_class").getAsInt())
                .build();
        loss.setWeights(manager, Fixtures.matrix(data.get("class_weights")), DataType.FLOAT64);
        SubCenterArcFaceLoss.Outliers o = loss.outliers(manager.create(Fixtures.matrix(data.get("embeddings"))),
                manager.create(Fixtures.longVector(data.get("labels"))),
                c.getAsJsonObject("params").get("threshold").getAsDouble());
        long[] expected = Fixtures.longVector(c.get("outliers"));
        if (!Arrays.equals(expected, o.indices())) {
            suite.fail(id + ": outliers " + Arrays.toString(o.indices()) + " expected " + Arrays.toString(expected));
            return;
        }
        double[] dominant = o.dominantCenters().toType(DataType.FLOAT64, false).toDoubleArray();
        int dim = data.get("dim").getAsInt();
        for (JsonElement present : c.getAsJsonArray("classes_present")) {
            int cls = present.getAsInt();
            if (!o.classesPresent()[cls]) {
                suite.fail(id + ": class " + cls + " has samples but is not reported present");
                return;
            }
            suite.compareArray(id + ": dominant centre of class " + cls, Fixtures.flat(c.getAsJsonObject(
                    "dominant_centers").get(String.valueOf(cls))), Arrays.copyOfRange(dominant, cls * dim, (cls + 1) * dim),
                    TOLERANCE);
        }
        suite.checked();
    }

    private static double number(JsonObject p, String key, double fallback) {
        return p.has(key) ? p.get(key).getAsDouble() : fallback;
    }
}
