package org.quaterion.models;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.quaterion.models.heads.EmptyHead;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.HeadFactory;
import org.quaterion.models.heads.HeadLimits;
import org.quaterion.models.heads.HeadResolver;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.NormalizeHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.SoftmaxEmbeddingsHead;
import org.quaterion.models.heads.StackedProjectionHead;
import org.quaterion.models.heads.SwitchHead;
import org.quaterion.models.heads.WideningHead;
import org.quaterion.models.io.JsonFiles;

/** The factories of the heads this package ships, keyed by their Quaterion config keys. */
final class BuiltinHeads {

    private BuiltinHeads() {}

    /**
     * All built-in head factories.
     *
     * @return one factory per built-in type
     */
    static List<HeadFactory> factories() {
        return List.of(
                of(EmptyHead.TYPE, (c, r) -> new EmptyHead(in(c), dropout(c))),
                of(NormalizeHead.TYPE, (c, r) -> new NormalizeHead(in(c))),
                of(LinearHead.TYPE, (c, r) -> LinearHead.builder().setInputSize(in(c))
                        .setOutputSize(JsonFiles.requireInt(c, "output_size", "linear"))
                        .optBias(!c.has("bias") || c.get("bias").getAsBoolean()).optDropout(dropout(c)).build()),
                of(GatedHead.TYPE, (c, r) -> new GatedHead(in(c), dropout(c))),
                of(SkipConnectionHead.TYPE, (c, r) -> SkipConnectionHead.builder().setInputSize(in(c))
                        .optDropout(dropout(c)).optSkipDropout(JsonFiles.optDouble(c, "skip_dropout", 0.0))
                        .optNLayers(JsonFiles.optInt(c, "n_layers", 1, SkipConnectionHead.TYPE)).build()),
                of(StackedProjectionHead.TYPE, (c, r) -> StackedProjectionHead.builder().setInputSize(in(c))
                        .setOutputSizes(sizes(c)).optActivationFn(activation(c)).optDropout(dropout(c)).build()),
                of(WideningHead.TYPE, (c, r) -> WideningHead.builder().setInputSize(in(c))
                        .optExpansionFactor(JsonFiles.optDouble(c, "expansion_factor", 4.0))
                        .optActivationFn(activation(c)).optDropout(dropout(c)).build()),
                of(SoftmaxEmbeddingsHead.TYPE, (c, r) -> SoftmaxEmbeddingsHead.builder().setInputSize(in(c))
                        .setOutputGroups(JsonFiles.requireInt(c, "output_groups", "softmax_embeddings"))
                        .setOutputSizePerGroup(JsonFiles.requireInt(c, "output_size_per_group", "softmax_embeddings"))
                        .optDropout(dropout(c)).build()),
                of(SequentialHead.TYPE, (c, r) -> {
                    List<EncoderHead> parts = new ArrayList<>();
                    for (JsonElement e : c.getAsJsonArray("heads")) {
                        parts.add(r.createHead(e.getAsJsonObject()));
                    }
                    return new SequentialHead(parts);
                }),
                of(SwitchHead.TYPE, (c, r) -> {
                    Map<String, EncoderHead> options = new LinkedHashMap<>();
                    JsonObject heads = c.getAsJsonObject("heads");
                    for (String key : heads.keySet()) {
                        options.put(key, r.createHead(heads.getAsJsonObject(key)));
                    }
                    return new SwitchHead(options);
                }));
    }

    private static HeadFactory of(String type, BiFunction<JsonObject, HeadResolver, EncoderHead> create) {
        return new HeadFactory() {
            @Override
            public String typeName() {
                return type;
            }

            @Override
            public EncoderHead create(JsonObject config, HeadResolver registry) {
                return create.apply(config, registry);
            }
        };
    }

    private static int in(JsonObject c) {
        return JsonFiles.requireInt(c, "input_embedding_size", "head");
    }

    private static double dropout(JsonObject c) {
        return JsonFiles.optDouble(c, "dropout", 0.0);
    }

    private static String activation(JsonObject c) {
        return c.has("activation_fn") ? JsonFiles.requireString(c, "activation_fn", "head") : "relu";
    }

    private static List<Integer> sizes(JsonObject c) {
        List<Integer> sizes = new ArrayList<>();
        if (!c.has("output_sizes") || !c.get("output_sizes").isJsonArray()) {
            throw new IllegalArgumentException("stacked_projection head config needs an 'output_sizes' array");
        }
        HeadLimits.layers(StackedProjectionHead.TYPE, "output_sizes", c.getAsJsonArray("output_sizes").size());
        c.getAsJsonArray("output_sizes").forEach(e -> sizes.add(JsonFiles.asInt(e, "output_sizes", "head")));
        return sizes;
    }
}
