package org.quaterion.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Learning-rate factors per parameter group: the same update as the plain optimizer, factors applied exactly. */
class ParameterGroupsTest {

    private static final List<String> NAMES = List.of("enc.embeddings.word_embeddings.weight",
            "enc.encoder.layer.0.attention.self.query.weight", "enc.encoder.layer.1.output.dense.bias", "head.weight",
            "loss.proxies");

    /** Five float32 parameters with the given names, the same start values for every call. */
    private static Map<String, NDArray> parameters(NDManager manager) {
        Random random = new Random(11);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : NAMES) {
            float[] values = new float[6];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            NDArray p = manager.create(values);
            p.setRequiresGradient(true);
            out.put(name, p);
        }
        return out;
    }

    /** Sets every parameter's gradient for step t (the same values in every run). */
    private static void gradients(Map<String, NDArray> parameters, int t) {
        Random random = new Random(100 + t);
        for (NDArray p : parameters.values()) {
            float[] g = new float[6];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) random.nextGaussian();
            }
            NDArray old = p.getGradient();
            old.subi(old);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(p.mul(p.getManager().create(g)).sum());
            }
        }
    }

    private static Map<String, float[]> train(GradientOptimizer optimizer, int steps) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> p = parameters(manager);
            for (int t = 0; t < steps; t++) {
                gradients(p, t);
                optimizer.step(p, optimizer.learningRate());
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            p.forEach((k, v) -> out.put(k, v.toFloatArray()));
            optimizer.reset();
            return out;
        }
    }

    private static Adam adamW() {
        return Adam.builder().optLearningRate(1e-2).optWeightDecay(0.01).build();
    }

    @Test
    void factorsOfOneGiveThePlainUpdateBitForBit() {
        Map<String, float[]> plain = train(adamW(), 6);
        Map<String, float[]> grouped = train(ParameterGroups.of(adamW()).prefix("enc.embeddings.", 1)
                .group("enc\\.encoder\\.layer\\.\\d+\\..*", 1).prefix("head.", 1).build(), 6);
        for (String name : NAMES) {
            assertArrayEquals(plain.get(name), grouped.get(name), name);
        }
    }

    @Test
    void aFactorScalesTheRateAndZeroLeavesTheGroupUnchanged() {
        Map<String, float[]> start = train(Adam.of(1e-2), 0);
        Map<String, float[]> grouped = train(ParameterGroups.of(adamW()).prefix("enc.embeddings.", 0)
                .prefix("head.", 10).build(), 4);
        assertArrayEquals(start.get(NAMES.get(0)), grouped.get(NAMES.get(0)), "factor 0: not updated");
        // head × 10 is AdamW at 10 × the rate (its decay scaled too), which Adam(lr = 0.1) shows
        Map<String, float[]> tenfold = train(Adam.builder().optLearningRate(1e-1).optWeightDecay(0.01).build(), 4);
        Map<String, float[]> plain = train(adamW(), 4);
        assertTrue(maxDiff(tenfold.get("head.weight"), grouped.get("head.weight")) < 1e-6,
                "head trains at 10 × the rate");
        assertArrayEquals(plain.get(NAMES.get(1)), grouped.get(NAMES.get(1)), "ungrouped: the base rate");
        assertArrayEquals(plain.get("loss.proxies"), grouped.get("loss.proxies"));
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void sgdStepIsTheFactorTimesTheRateTimesTheGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> p = parameters(manager);
            float[] before = p.get("head.weight").toFloatArray();
            gradients(p, 0);
            float[] g = p.get("head.weight").getGradient().toFloatArray();
            ParameterGroups.of(new Sgd(0.5, 0)).prefix("head.", 0.25).build().step(p, 0.5);
            float[] after = p.get("head.weight").toFloatArray();
            for (int i = 0; i < g.length; i++) {
                assertEquals(before[i] - (float) (0.125 * g[i]), after[i], 1e-6f); // 0.5 × 0.25 × g
            }
        }
    }

    @Test
    void configRecordsTheGroupsAndStateRoundTrips() {
        ParameterGroups groups = ParameterGroups.of(Adam.of(1e-3)).prefix("head.", 10).group("enc\\..*", 0.1)
                .build();
        var config = groups.config();
        assertEquals("Adam", config.get("type").getAsString());
        assertEquals("[{\"pattern\":\"\\\\Qhead.\\\\E.*\",\"factor\":10.0},{\"pattern\":\"enc\\\\..*\",\"factor\":0.1}]",
                config.get("parameter_groups").toString());
        assertNotEquals(Adam.of(1e-3).config(), config, "a resume with other groups is refused by the record");
        assertEquals(1e-3, groups.learningRate());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> a = parameters(manager);
            Map<String, NDArray> b = parameters(manager);
            ParameterGroups resumed = ParameterGroups.of(Adam.of(1e-3)).prefix("head.", 10).group("enc\\..*", 0.1)
                    .build();
            for (int t = 0; t < 2; t++) {
                gradients(a, t);
                groups.step(a, 1e-3);
                gradients(b, t);
                resumed.step(b, 1e-3);
            }
            resumed.restore(groups.state(manager), manager.newSubManager());
            gradients(a, 2);
            groups.step(a, 1e-3);
            gradients(b, 2);
            resumed.step(b, 1e-3);
            for (String name : NAMES) {
                assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), name);
            }
        }
    }

    @Test
    void groupsThatMatchNothingOrAreShadowedAreRefused() {
        Set<String> names = Set.copyOf(NAMES);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ParameterGroups
                .of(Adam.of(1e-3)).prefix("encoder.layer.", 0.5).build().checkParameters(names));
        assertTrue(none.getMessage().contains("'\\Qencoder.layer.\\E.*' matches no parameter"), none.getMessage());
        IllegalArgumentException shadowed = assertThrows(IllegalArgumentException.class, () -> ParameterGroups
                .of(Adam.of(1e-3)).prefix("enc.", 0.5).prefix("enc.embeddings.", 0.1).build()
                .checkParameters(names));
        assertTrue(shadowed.getMessage().contains("earlier groups"), shadowed.getMessage());
        ParameterGroups.of(Adam.of(1e-3)).prefix("enc.embeddings.", 0.1).prefix("enc.", 0.5).build()
                .checkParameters(names); // specific first, then general: accepted
        assertThrows(IllegalArgumentException.class, () -> ParameterGroups.of(Adam.of(1e-3)).build());
        assertThrows(IllegalArgumentException.class, () -> ParameterGroups.of(Adam.of(1e-3)).group("(", 1));
        assertThrows(IllegalArgumentException.class, () -> ParameterGroups.of(Adam.of(1e-3)).group("a", -1));
        assertThrows(IllegalArgumentException.class, () -> ParameterGroups.of(Adam.of(1e-3)).group("a", 1)
                .group("a", 2));
    }
}
