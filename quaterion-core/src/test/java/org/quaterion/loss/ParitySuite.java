package org.quaterion.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.models.Fixtures;

/**
 * One fixture suite file written by {@code scripts/fixtures/refgen/suites/}: its cases, the datasets they name (the
 * suite's own first, then {@code inputs.json}'s), and the bookkeeping of a parity test over it: how many cases were
 * checked, which were skipped and why, and what differed.
 */
public final class ParitySuite {

    private final String file;
    private final JsonObject doc;
    private final JsonObject shared;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private int checked;
    private double worstValue;
    private double worstGrad;
    private int lossesCompared;

    private ParitySuite(String file, JsonObject doc, JsonObject shared) {
        this.file = file;
        this.doc = doc;
        this.shared = shared;
    }

    /**
     * Reads a suite file and the shared datasets.
     *
     * @param file the file name in the fixture directory
     * @return the suite
     */
    public static ParitySuite read(String file) {
        return new ParitySuite(file, Fixtures.read(file), Fixtures.read("inputs.json").getAsJsonObject("datasets"));
    }

    /**
     * The suite's cases in file order.
     *
     * @return the case objects
     */
    public List<JsonObject> cases() {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : doc.getAsJsonArray("cases")) {
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    /**
     * The whole file, for suite-specific top-level keys.
     *
     * @return the parsed file
     */
    public JsonObject document() {
        return doc;
    }

    /**
     * The dataset a case names in {@code dataset}: the suite's own, else the shared one of {@code inputs.json}.
     *
     * @param c the case
     * @return the dataset object
     */
    public JsonObject dataset(JsonObject c) {
        String id = c.get("dataset").getAsString();
        JsonObject own = doc.has("datasets") ? doc.getAsJsonObject("datasets") : null;
        if (own != null && own.has(id)) {
            return own.getAsJsonObject(id);
        }
        if (!shared.has(id)) {
            throw new IllegalArgumentException(file + ": case " + c.get("id") + " names unknown dataset " + id);
        }
        return shared.getAsJsonObject(id);
    }

    /**
     * Records a case that passed its comparisons (call once per compared case).
     */
    public void checked() {
        checked++;
    }

    /**
     * Records a case not compared, with the reason printed in the summary.
     *
     * @param id the case id
     * @param why the reason
     */
    public void skip(String id, String why) {
        skipped.put(id, why);
    }

    /**
     * Records a mismatch.
     *
     * @param message the case id and what differed
     */
    public void fail(String message) {
        failures.add(message);
    }

    /**
     * Compares a loss run with a case's {@code value}, {@code grad} and, when present, {@code grad_class_weights}:
     * the value within {@code relTol} of {@code max(1, |value|)}, the gradients within {@code 10·relTol} of their
     * largest element (at least 1). Counts the case as checked.
     *
     * @param c the case
     * @param r the run
     * @param relTol the relative tolerance, 1e-9 for float64 parity
     */
    public void compareLoss(JsonObject c, LossHarness.Result r, double relTol) {
        checked++;
        String id = c.get("id").getAsString();
        double expected = c.get("value").getAsDouble();
        lossesCompared++;
        double valueDiff = Math.abs(expected - r.value()) / Math.max(1, Math.abs(expected));
        worstValue = Math.max(worstValue, valueDiff);
        if (!(valueDiff <= relTol)) {
            failures.add(id + ": value " + r.value() + " expected " + expected);
            return;
        }
        double[] grad = Fixtures.flat(c.get("grad"));
        if (r.grad() != null && r.grad().length == grad.length) {
            worstGrad = Math.max(worstGrad, LossHarness.maxAbsDiff(grad, r.grad()) / Math.max(1,
                    LossHarness.maxAbs(grad)));
        }
        compareArray(id + ": grad", grad, r.grad(), relTol * 10);
        if (c.has("grad_class_weights")) {
            compareArray(id + ": class-weight grad", Fixtures.flat(c.get("grad_class_weights")), r.weightGrad(),
                    relTol * 10);
        }
    }

    /**
     * Expects ours to refuse a case (an {@link IllegalArgumentException}) where the reference raised or is corrected
     * to a refusal; counts the case as checked when it does.
     *
     * @param id the case id
     * @param why what the reference did, for the message
     * @param run runs our side of the case
     */
    public void expectRefused(String id, String why, Runnable run) {
        try {
            run.run();
            failures.add(id + ": ours should refuse (" + why + ") but ran");
        } catch (IllegalArgumentException expected) {
            checked++;
        }
    }

    /**
     * Compares two arrays within {@code relTol} of the expected array's largest element (at least 1).
     *
     * @param what the case id and field, for the message
     * @param expected the reference
     * @param actual ours
     * @param relTol the relative tolerance
     */
    public void compareArray(String what, double[] expected, double[] actual, double relTol) {
        if (actual == null || actual.length != expected.length) {
            failures.add(what + ": length " + (actual == null ? "null" : actual.length) + " expected "
                    + expected.length);
            return;
        }
        double tol = relTol * Math.max(1, LossHarness.maxAbs(expected));
        double diff = LossHarness.maxAbsDiff(expected, actual);
        if (!(diff <= tol)) {
            failures.add(what + " max|diff| " + diff + " > " + tol);
        }
    }

    /**
     * Prints the summary ("N cases checked" and each skip and mismatch) and fails on a mismatch or when nothing was
     * checked.
     */
    public void assertAllMatched() {
        System.out.println(file + ": " + checked + " cases checked, " + skipped.size() + " skipped");
        if (lossesCompared > 0) {
            System.out.printf("%s: worst loss value difference %.2e (relative to max(1, |value|)), worst gradient %.2e "
                + "(relative to max(1, max|grad|))%n", file, worstValue, worstGrad);
        }
        skipped.forEach((id, why) -> System.out.println("  skipped " + id + ": " + why));
        failures.forEach(f -> System.out.println("  MISMATCH " + f));
        assertTrue(checked > 0, "no cases checked in " + file + " (" + Fixtures.source() + ")");
        assertTrue(failures.isEmpty(), failures.size() + " mismatches in " + file + ": " + failures);
    }
}
