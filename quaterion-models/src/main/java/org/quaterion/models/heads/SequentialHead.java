package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import org.quaterion.models.internal.ArtifactLimits;

/**
 * Heads applied one after another: {@code y = h_n(…h_1(x))}, each with its own dropout. Unlike quaterion_models'
 * {@code SequentialHead} (a pickled {@code nn.Sequential}), the parts are registered heads, so the whole is saved as
 * data: config {@code heads: [{type, config}, …]}; parameters {@code <i>.<name>}.
 */
public final class SequentialHead extends EncoderHead {

    /** Registered type name. */
    public static final String TYPE = "sequential";

    private final List<EncoderHead> heads;

    /**
     * Creates the head.
     *
     * @param heads the parts, at least one; each part's input size equals the previous part's output size
     */
    public SequentialHead(List<EncoderHead> heads) {
        super(firstInput(heads), 0.0);
        this.heads = List.copyOf(heads);
        HeadLimits.heads(heads.size());
        long count = 0;
        for (EncoderHead part : heads) {
            count = ArtifactLimits.add(count, part.parameterCount());
        }
        limitParameters(TYPE, count);
        for (int i = 1; i < heads.size(); i++) {
            if (heads.get(i).inputSize() != heads.get(i - 1).outputSize()) {
                throw new IllegalArgumentException("SequentialHead: part " + i + " (" + heads.get(i).typeName()
                        + ") expects input size " + heads.get(i).inputSize() + " but part " + (i - 1) + " ("
                        + heads.get(i - 1).typeName() + ") outputs " + heads.get(i - 1).outputSize());
            }
        }
        for (int i = 0; i < heads.size(); i++) {
            addChildBlock(String.valueOf(i), heads.get(i));
        }
    }

    /**
     * Creates the head from parts.
     *
     * @param heads the parts
     * @return the head
     */
    public static SequentialHead of(EncoderHead... heads) {
        return new SequentialHead(List.of(heads));
    }

    private static int firstInput(List<EncoderHead> heads) {
        if (heads == null || heads.isEmpty()) {
            throw new IllegalArgumentException("SequentialHead needs at least one head");
        }
        return heads.get(0).inputSize();
    }

    /**
     * The parts.
     *
     * @return the heads in order
     */
    public List<EncoderHead> heads() {
        return heads;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public int outputSize() {
        return heads.get(heads.size() - 1).outputSize();
    }

    @Override
    protected void addConfig(JsonObject json) {
        JsonArray parts = new JsonArray();
        for (EncoderHead h : heads) {
            parts.add(HeadFactory.describe(h));
        }
        json.add("heads", parts);
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        for (EncoderHead h : heads) {
            x = h.forward(ps, routes == null ? new NDList(x) : new NDList(x, routes), training).head();
        }
        return x;
    }
}
