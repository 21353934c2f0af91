package org.quaterion.models.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.quaterion.models.io.JsonFiles;

/**
 * Routes each record to one of several encoders with the same output size (e.g. text and images into one space).
 *
 * <p>The output keeps the input order. {@link #routes} reports the chosen option per record, which
 * {@code SwitchHead} uses. Saved as {@code switch.json} plus one sub-directory per option; the selector is code,
 * so load through {@link #factory(String, Function)} registered under the same type name.
 *
 * <p>Collated layout (internal): {@code [routes, (count_k, arrays_k...) for each option k in name order]}.
 *
 * @param <T> the record type
 */
public final class SwitchEncoder<T> implements Encoder<T> {

    private static final String CONFIG_FILE = "switch.json";

    private final String typeName;
    private final SortedMap<String, Encoder<T>> options;
    private final List<String> keys;
    private final Function<T, String> selector;
    private final int embeddingSize;

    /**
     * Creates a switch encoder.
     *
     * @param typeName the registered type name
     * @param options option name to encoder; all with the same embedding size
     * @param selector picks the option name for a record
     */
    public SwitchEncoder(String typeName, Map<String, ? extends Encoder<T>> options, Function<T, String> selector) {
        this.typeName = Objects.requireNonNull(typeName, "typeName");
        this.selector = Objects.requireNonNull(selector, "selector");
        if (options == null || options.isEmpty()) {
            throw new IllegalArgumentException("SwitchEncoder '" + typeName + "' needs at least one option");
        }
        this.options = Collections.unmodifiableSortedMap(new TreeMap<>(options));
        this.keys = List.copyOf(this.options.keySet());
        this.embeddingSize = this.options.get(keys.get(0)).embeddingSize();
        for (Map.Entry<String, Encoder<T>> e : this.options.entrySet()) {
            if (e.getValue().embeddingSize() != embeddingSize) {
                throw new IllegalArgumentException("SwitchEncoder '" + typeName + "': option '" + e.getKey()
                        + "' has embedding size " + e.getValue().embeddingSize() + " but '" + keys.get(0) + "' has "
                        + embeddingSize + ": all options must produce the same size");
            }
        }
    }

    /**
     * A factory that loads switch encoders saved under {@code typeName}; options load through the registry.
     *
     * @param typeName the type name
     * @param selector picks the option name for a record
     * @param <T> the record type
     * @return the factory
     */
    public static <T> EncoderFactory factory(String typeName, Function<T, String> selector) {
        return new EncoderFactory() {
            @Override
            public String typeName() {
                return typeName;
            }

            @Override
            @SuppressWarnings("unchecked")
            public Encoder<?> load(Path dir, LoadContext context) throws IOException {
                JsonObject config = JsonFiles.read(dir.resolve(CONFIG_FILE));
                JsonObject types = config.getAsJsonObject("options");
                Map<String, Encoder<T>> loaded = new TreeMap<>();
                for (String key : types.keySet()) {
                    String type = types.get(key).getAsString();
                    loaded.put(key, (Encoder<T>) context.registry().encoderFactory(type)
                            .load(dir.resolve(key), context));
                }
                return new SwitchEncoder<>(typeName, loaded, selector);
            }
        };
    }

    /**
     * The options, by name.
     *
     * @return an unmodifiable sorted map
     */
    public SortedMap<String, Encoder<T>> options() {
        return options;
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public boolean trainable() {
        return options.values().stream().anyMatch(Encoder::trainable);
    }

    @Override
    public int embeddingSize() {
        return embeddingSize;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType) {
        options.values().forEach(e -> e.initialize(manager, dataType));
    }

    @Override
    public List<String> routes(List<T> records) {
        List<String> routes = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            String key = selector.apply(records.get(i));
            if (!options.containsKey(key)) {
                throw new IllegalArgumentException("SwitchEncoder '" + typeName + "': record " + i + " was routed to '"
                        + key + "', which is not one of the options " + keys);
            }
            routes.add(key);
        }
        return routes;
    }

    @Override
    public NDList collate(List<T> records, NDManager manager) {
        List<String> routes = routes(records);
        long[] routeIndex = new long[records.size()];
        NDList out = new NDList();
        out.add(null);
        for (int k = 0; k < keys.size(); k++) {
            List<T> sub = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                if (routes.get(i).equals(keys.get(k))) {
                    routeIndex[i] = k;
                    sub.add(records.get(i));
                }
            }
            if (sub.isEmpty()) {
                out.add(manager.create(0L));
                continue;
            }
            NDList collated = options.get(keys.get(k)).collate(sub, manager);
            out.add(manager.create((long) collated.size()));
            out.addAll(collated);
        }
        out.set(0, manager.create(routeIndex));
        return out;
    }

    @Override
    public NDArray forward(NDList batch, boolean training) {
        long[] routeIndex = batch.get(0).toLongArray();
        NDList parts = new NDList();
        List<Long> order = new ArrayList<>(routeIndex.length);
        int pos = 1;
        for (int k = 0; k < keys.size(); k++) {
            int count = (int) batch.get(pos).getLong();
            pos++;
            if (count == 0) {
                continue;
            }
            NDList sub = new NDList(batch.subList(pos, pos + count));
            pos += count;
            parts.add(options.get(keys.get(k)).forward(sub, training));
            for (int i = 0; i < routeIndex.length; i++) {
                if (routeIndex[i] == k) {
                    order.add((long) i);
                }
            }
        }
        NDArray joined = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 0);
        long[] inverse = new long[order.size()];
        for (int j = 0; j < order.size(); j++) {
            inverse[order.get(j).intValue()] = j;
        }
        return joined.get(joined.getManager().create(inverse));
    }

    @Override
    public ParameterList parameters() {
        ParameterList all = new ParameterList();
        for (Map.Entry<String, Encoder<T>> e : options.entrySet()) {
            for (Pair<String, ai.djl.nn.Parameter> p : e.getValue().parameters()) {
                all.add(e.getKey() + "." + p.getKey(), p.getValue());
            }
        }
        return all;
    }

    @Override
    public void save(Path dir) throws IOException {
        JsonObject types = new JsonObject();
        for (Map.Entry<String, Encoder<T>> e : options.entrySet()) {
            types.addProperty(e.getKey(), e.getValue().typeName());
            Path sub = Files.createDirectory(dir.resolve(e.getKey()));
            e.getValue().save(sub);
        }
        JsonObject config = new JsonObject();
        config.add("options", types);
        JsonFiles.write(dir.resolve(CONFIG_FILE), config);
    }

    @Override
    public void close() {
        options.values().forEach(Encoder::close);
    }

    @Override
    public String toString() {
        return "SwitchEncoder{type=" + typeName + ", options=" + options + "}";
    }
}
