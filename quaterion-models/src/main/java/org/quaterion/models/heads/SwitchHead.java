package org.quaterion.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.quaterion.models.internal.ArtifactLimits;

/**
 * A head per route, as quaterion_models' {@code SwitchHead}: rows routed to option k (by a {@code SwitchEncoder})
 * go through {@code heads[k].transform}; the output keeps the input order. The options' own dropout is not
 * applied (as in Quaterion). All options share input and output size. Parameters {@code <key>.<name>}.
 */
public final class SwitchHead extends EncoderHead {

    /** Registered type name. */
    public static final String TYPE = "switch";

    private final SortedMap<String, EncoderHead> options;
    private final List<String> keys;

    /**
     * Creates the head.
     *
     * @param options route name to head; same input and output sizes
     */
    public SwitchHead(Map<String, EncoderHead> options) {
        super(firstInput(options), 0.0);
        this.options = Collections.unmodifiableSortedMap(new TreeMap<>(options));
        this.keys = List.copyOf(this.options.keySet());
        HeadLimits.heads(options.size());
        long count = 0;
        for (EncoderHead option : this.options.values()) {
            count = ArtifactLimits.add(count, option.parameterCount());
        }
        limitParameters(TYPE, count);
        EncoderHead first = this.options.get(keys.get(0));
        for (Map.Entry<String, EncoderHead> e : this.options.entrySet()) {
            EncoderHead h = e.getValue();
            if (h.inputSize() != first.inputSize() || h.outputSize() != first.outputSize()) {
                throw new IllegalArgumentException("SwitchHead: option '" + e.getKey() + "' maps " + h.inputSize()
                        + " -> " + h.outputSize() + " but '" + keys.get(0) + "' maps " + first.inputSize() + " -> "
                        + first.outputSize() + ": all options must have the same sizes");
            }
            addChildBlock(e.getKey(), h);
        }
    }

    private static int firstInput(Map<String, EncoderHead> options) {
        if (options == null || options.isEmpty()) {
            throw new IllegalArgumentException("SwitchHead needs at least one option");
        }
        return new TreeMap<>(options).firstEntry().getValue().inputSize();
    }

    /**
     * The options by route name.
     *
     * @return an unmodifiable sorted map
     */
    public SortedMap<String, EncoderHead> options() {
        return options;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public int outputSize() {
        return options.get(keys.get(0)).outputSize();
    }

    @Override
    protected void addConfig(JsonObject json) {
        JsonObject heads = new JsonObject();
        options.forEach((k, h) -> heads.add(k, HeadFactory.describe(h)));
        json.add("heads", heads);
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray embeddings, List<String> routes, boolean training) {
        if (routes == null) {
            throw new IllegalArgumentException("SwitchHead needs the route of each record: use a SwitchEncoder "
                    + "whose option names are " + keys);
        }
        long[] index = new long[routes.size()];
        for (int i = 0; i < index.length; i++) {
            int k = Collections.binarySearch(keys, routes.get(i));
            if (k < 0) {
                throw new IllegalArgumentException("SwitchHead has no option '" + routes.get(i) + "' (record " + i
                        + "): options are " + keys);
            }
            index[i] = k;
        }
        NDArray routeArray = embeddings.getManager().create(index);
        return forward(ps, new NDList(embeddings, routeArray), training).head();
    }

    @Override
    protected NDArray transform(ParameterStore ps, NDArray x, NDArray routes, boolean training) {
        if (routes == null) {
            throw new IllegalArgumentException("SwitchHead needs routes: call apply(...) with the encoders' routes");
        }
        NDList parts = new NDList();
        NDList orders = new NDList();
        for (int k = 0; k < keys.size(); k++) {
            NDArray rows = routes.eq(k).nonzero().squeeze(1);
            if (rows.getShape().get(0) == 0) {
                continue;
            }
            parts.add(options.get(keys.get(k)).transform(ps, x.get(rows), null, training));
            orders.add(rows);
        }
        NDArray joined = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
        NDArray order = orders.size() == 1 ? orders.head() : NDArrays.concat(orders, 0);
        return joined.get(order.argSort());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
