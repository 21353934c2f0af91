package org.quaterion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.quaterion.onnx.E5Small;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.TextBatching;
import org.quaterion.onnx.TrainableTransformer;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.train.optim.GradientOptimizer;
import org.quaterion.train.optim.ParameterGroups;

/**
 * The {@code model.transformer} section: a trainable BERT-family transformer (a Hugging Face directory, or the
 * bundled {@code minilm} / {@code e5-small}), its pooling and length, which layers train, LoRA adapters, and learning
 * rates per parameter group.
 *
 * @param source {@code minilm}, {@code e5-small}, or a Hugging Face directory
 * @param pooling {@code mean}, {@code cls} or {@code last}, or null for the model's own
 * @param normalize whether to L2-normalise, or null for the model's own
 * @param maxLength tokens per text
 * @param freezeLayers lowest layers kept fixed (with the embeddings when above 0)
 * @param freezeEmbeddings whether the embeddings stay fixed
 * @param lora the adapters, or null for full fine-tuning
 * @param learningRates factor per parameter group ({@code embeddings}, {@code layers}, {@code head}), empty for one
 *     rate
 */
record TransformerSettings(String source, Pooling pooling, Boolean normalize, int maxLength, int freezeLayers,
        boolean freezeEmbeddings, LoraConfig lora, Map<String, Double> learningRates) {

    static final List<String> GROUPS = List.of("embeddings", "layers", "head");

    /** Reads the section; paths resolve against {@code base}. */
    static TransformerSettings read(ConfigNode t, Path base) {
        String source = t.string("source");
        if (!source.equals("minilm") && !source.equals("e5-small")) {
            source = base.resolve(source).toString();
        }
        Pooling pooling = t.has("pooling") ? Pooling.fromConfig(t.choice("pooling", "mean", List.of("mean", "cls",
                "last")), "model.transformer.pooling") : null;
        Boolean normalize = t.has("normalize") ? t.flag("normalize", true) : null;
        int maxLength = t.integer("max_length", 128, 2);
        int freezeLayers = t.integer("freeze_layers", 0, 0);
        boolean freezeEmbeddings = t.flag("freeze_embeddings", false);
        LoraConfig lora = null;
        if (t.has("lora")) {
            ConfigNode l = t.node("lora");
            int rank = l.integer("rank", 8, 1);
            Set<LoraConfig.Target> targets = EnumSet.noneOf(LoraConfig.Target.class);
            for (String name : strings(l, "targets", List.of("query", "value"))) {
                targets.add(LoraConfig.target(name, "model.transformer.lora.targets"));
            }
            Set<Integer> layers = new TreeSet<>();
            if (l.has("layers")) {
                for (Object o : list(l, "layers")) {
                    if (!(o instanceof Integer i)) {
                        throw new IllegalArgumentException("model.transformer.lora.layers must be a list of layer "
                                + "indices, e.g. [4, 5]; got " + o);
                    }
                    layers.add(i);
                }
            }
            lora = new LoraConfig(rank, l.number("alpha", 2.0 * rank), l.number("dropout", 0), targets, layers);
            l.finish();
            if (freezeLayers > 0 || freezeEmbeddings) {
                throw new IllegalArgumentException("model.transformer: with lora every pretrained weight is frozen "
                        + "already; remove freeze_layers / freeze_embeddings");
            }
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        if (t.has("learning_rates")) {
            ConfigNode r = t.node("learning_rates");
            for (String g : GROUPS) {
                if (r.has(g)) {
                    rates.put(g, r.number(g, 1));
                }
            }
            r.finish();
        }
        t.finish();
        return new TransformerSettings(source, pooling, normalize, maxLength, freezeLayers, freezeEmbeddings, lora,
                rates);
    }

    private static List<?> list(ConfigNode node, String key) {
        Object v = node.raw(key);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("model.transformer.lora." + key + " must be a list, got " + v);
        }
        return l;
    }

    private static List<String> strings(ConfigNode node, String key, List<String> fallback) {
        if (!node.has(key)) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (Object o : list(node, key)) {
            out.add(String.valueOf(o).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** Builds the encoder these settings describe. */
    TrainableTransformer encoder() {
        return builder().build();
    }

    /** The settings of the transformer these settings describe. */
    TrainableTransformer.Builder builder() {
        TrainableTransformer.Builder b = switch (source) {
            case "minilm" -> MiniLm.trainable();
            case "e5-small" -> E5Small.trainable();
            default -> TrainableTransformer.fromHuggingFace(Path.of(source));
        };
        if (pooling != null) {
            b.pooling(pooling);
        }
        if (normalize != null) {
            b.normalize(normalize);
        }
        b.maxLength(maxLength).batching(TextBatching.PADDED);
        if (lora != null) {
            b.lora(lora);
        }
        if (freezeLayers > 0) {
            b.freezeLowestLayers(freezeLayers);
        }
        if (freezeEmbeddings) {
            b.freezeEmbeddings(true);
        }
        return b;
    }

    /**
     * The optimizer with these groups' factors: {@code embeddings} (the encoder's embedding tables), {@code layers}
     * (its transformer layers, adapters included) and {@code head}.
     *
     * @param optimizer the base optimizer
     * @param encoderName the encoder's name in the model
     * @return the optimizer, grouped when factors are set
     */
    GradientOptimizer optimizer(GradientOptimizer optimizer, String encoderName) {
        if (learningRates.isEmpty()) {
            return optimizer;
        }
        ParameterGroups.Builder groups = ParameterGroups.of(optimizer);
        learningRates.forEach((group, factor) -> {
            switch (group) {
                case "embeddings" -> groups.prefix(encoderName + ".embeddings.", factor);
                case "layers" -> groups.prefix(encoderName + ".encoder.", factor);
                default -> groups.prefix("head.", factor);
            }
        });
        return groups.build();
    }
}
