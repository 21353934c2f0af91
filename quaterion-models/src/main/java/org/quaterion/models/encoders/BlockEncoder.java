package org.quaterion.models.encoders;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParameterList;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.internal.ParameterFiles;
import org.quaterion.models.internal.ParameterShapes;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

/**
 * An encoder around any DJL {@link Block}, trainable or frozen.
 *
 * <p>The block receives the collator's output and must return a {@code (B, embeddingSize)} array. Saved as
 * {@code encoder.json} (embedding size, trainable, the block's input shapes) plus {@code parameters.params} (DJL's parameter format). The
 * block's architecture is code, not data: load it back through {@link #factory(String, Supplier, Collator)}
 * registered under the same type name. Thread-safe for concurrent inference after {@link #initialize}.
 *
 * @param <T> the record type
 */
public class BlockEncoder<T> implements Encoder<T> {

    static final String CONFIG_FILE = "encoder.json";
    static final String PARAMETERS_FILE = "parameters.params";
    static final String INPUT_SHAPES = "input_shapes";

    private final String typeName;
    private final Block block;
    private final Collator<T> collator;
    private final CloseGate gate = new CloseGate("BlockEncoder");
    private final int embeddingSize;
    private final boolean trainable;
    private final Shape[] inputShapes;
    private volatile DataType dataType = DataType.FLOAT32;

    /**
     * Creates the encoder from a builder.
     *
     * @param builder the configured builder
     */
    protected BlockEncoder(Builder<T> builder) {
        this.typeName = builder.typeName;
        this.block = builder.block;
        this.collator = builder.collator;
        this.embeddingSize = builder.embeddingSize;
        this.trainable = builder.trainable;
        this.inputShapes = builder.inputShapes;
    }

    /**
     * Starts a builder.
     *
     * @param <T> the record type
     * @return a new builder
     */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * A factory that rebuilds encoders saved under {@code typeName}: it creates a fresh block with
     * {@code blockSupplier} and loads the saved parameters into it.
     *
     * @param typeName the type name the encoder was built with
     * @param blockSupplier creates the (uninitialized) block architecture
     * @param collator the collator for the records
     * @param <T> the record type
     * @return the factory, to register with {@code ModelRegistry.register}
     */
    public static <T> EncoderFactory factory(String typeName, Supplier<Block> blockSupplier, Collator<T> collator) {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(blockSupplier, "blockSupplier");
        Objects.requireNonNull(collator, "collator");
        return new EncoderFactory() {
            @Override
            public String typeName() {
                return typeName;
            }

            @Override
            public Encoder<?> load(Path dir, LoadContext context) throws IOException {
                Path configFile = dir.resolve(CONFIG_FILE);
                JsonObject config = JsonFiles.read(configFile);
                int size = JsonFiles.requireInt(config, "embedding_size", configFile.toString());
                boolean train = config.has("trainable") && config.get("trainable").getAsBoolean();
                Block block = blockSupplier.get();
                Path params = dir.resolve(PARAMETERS_FILE);
                ParameterFiles.check(params, block);
                try (InputStream in = new BufferedInputStream(Files.newInputStream(params));
                        DataInputStream data = new DataInputStream(in)) {
                    block.loadParameters(context.manager(), data);
                } catch (MalformedModelException | IOException | RuntimeException e) {
                    throw new ModelFormatException(params, "cannot be loaded into the block of type '" + typeName
                            + "' (truncated, corrupt, or the block architecture changed): " + e.getMessage(), e);
                }
                if (!block.getParameters().isEmpty()) {
                    Shape[] shapes = config.has(INPUT_SHAPES) ? readShapes(config, configFile)
                            : block.getInputShapes();
                    ParameterShapes.check(params, block, blockSupplier.get(), block.getParameters().get(0)
                            .getValue().getArray().getDataType(), shapes);
                }
                BlockEncoder<T> encoder = BlockEncoder.<T>builder().setTypeName(typeName).setBlock(block)
                        .setCollator(collator).setEmbeddingSize(size).optTrainable(train).build();
                encoder.initialize(context.manager(), context.dataType());
                return encoder;
            }
        };
    }

    /** The saved input shapes, each a list of positive dimensions (at most 8 of them, at most 8 shapes). */
    private static Shape[] readShapes(JsonObject config, Path configFile) {
        JsonElement element = config.get(INPUT_SHAPES);
        if (!element.isJsonArray() || element.getAsJsonArray().isEmpty() || element.getAsJsonArray().size() > 8) {
            throw badShapes(configFile, "is not a list of 1 to 8 shapes");
        }
        JsonArray list = element.getAsJsonArray();
        Shape[] shapes = new Shape[list.size()];
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isJsonArray() || list.get(i).getAsJsonArray().size() > 8) {
                throw badShapes(configFile, "has a shape that is not a list of at most 8 dimensions");
            }
            JsonArray dims = list.get(i).getAsJsonArray();
            long[] values = new long[dims.size()];
            for (int k = 0; k < values.length; k++) {
                try {
                    values[k] = JsonFiles.asInt(dims.get(k), INPUT_SHAPES, configFile.toString());
                } catch (IllegalArgumentException e) {
                    values[k] = 0;
                }
                if (values[k] < 1) {
                    throw badShapes(configFile, "has a dimension that is not a positive integer: " + dims.get(k));
                }
            }
            shapes[i] = new Shape(values);
        }
        return shapes;
    }

    private static ModelFormatException badShapes(Path configFile, String problem) {
        return new ModelFormatException(configFile, "'" + INPUT_SHAPES + "' " + problem + "; save the model again");
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public int embeddingSize() {
        return embeddingSize;
    }

    /**
     * The wrapped block.
     *
     * @return the block
     */
    public Block block() {
        return block;
    }

    @Override
    public synchronized void initialize(NDManager manager, DataType modelType) {
        this.dataType = modelType;
        if (!block.isInitialized()) {
            if (inputShapes == null) {
                throw new IllegalArgumentException("BlockEncoder '" + typeName + "': the block is not initialized; "
                        + "give its input shape with optInputShapes(...) or initialize it before building");
            }
            block.initialize(manager, modelType, inputShapes);
        }
        block.freezeParameters(!trainable);
    }

    @Override
    public NDList collate(List<T> records, NDManager manager) {
        return collator.collate(records, manager);
    }

    /** The collator's fingerprint: a changed collator refills a frozen-encoder cache. */
    @Override
    public String fingerprint() {
        return "collator=" + collator.fingerprint();
    }

    @Override
    public NDArray forward(NDList batch, boolean training) {
        try (CloseGate.Pass pass = gate.enter()) {
            return BlockForward.run(block, batch, training && trainable, dataType, embeddingSize,
                    "BlockEncoder '" + typeName + "'");
        }
    }

    @Override
    public ParameterList parameters() {
        return block.getParameters();
    }

    @Override
    public void save(Path dir) throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty("embedding_size", embeddingSize);
        config.addProperty("trainable", trainable);
        if (block.isInitialized()) {
            // the shapes the block was initialised with: a bare layer reports only its feature size after loading,
            // which is not enough to rebuild its declared architecture for the shape check
            JsonArray shapes = new JsonArray();
            for (Shape shape : block.getInputShapes()) {
                JsonArray dims = new JsonArray();
                for (long dim : shape.getShape()) {
                    dims.add(dim);
                }
                shapes.add(dims);
            }
            config.add(INPUT_SHAPES, shapes);
        }
        JsonFiles.write(dir.resolve(CONFIG_FILE), config);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(PARAMETERS_FILE)));
                DataOutputStream data = new DataOutputStream(out)) {
            block.saveParameters(data);
        }
    }

    @Override
    public void close() {
        gate.close(block::clear); // waits for forward passes in flight
    }

    @Override
    public String toString() {
        return "BlockEncoder{type=" + typeName + ", embeddingSize=" + embeddingSize + ", trainable=" + trainable + "}";
    }

    /**
     * Builds a {@link BlockEncoder}. Required: type name, block, collator, embedding size.
     *
     * @param <T> the record type
     */
    public static class Builder<T> {
        private String typeName;
        private Block block;
        private Collator<T> collator;
        private int embeddingSize;
        private boolean trainable = true;
        private Shape[] inputShapes;

        /** Creates an empty builder. */
        protected Builder() {}

        /**
         * Sets the registered type name used to load the saved encoder (required).
         *
         * @param typeName a stable, unique name such as {@code "my-text-mlp"}
         * @return this builder
         */
        public Builder<T> setTypeName(String typeName) {
            this.typeName = typeName;
            return this;
        }

        /**
         * Sets the block (required).
         *
         * @param block the block, initialized or not
         * @return this builder
         */
        public Builder<T> setBlock(Block block) {
            this.block = block;
            return this;
        }

        /**
         * Sets the collator (required).
         *
         * @param collator turns records into the block's input
         * @return this builder
         */
        public Builder<T> setCollator(Collator<T> collator) {
            this.collator = collator;
            return this;
        }

        /**
         * Sets the output width of the block (required).
         *
         * @param embeddingSize d, at least 1
         * @return this builder
         */
        public Builder<T> setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * Sets whether the block trains (default true); a frozen block always runs in inference mode.
         *
         * @param trainable false to freeze
         * @return this builder
         */
        public Builder<T> optTrainable(boolean trainable) {
            this.trainable = trainable;
            return this;
        }

        /**
         * Sets the input shapes used to initialize an uninitialized block (batch dimension may be 1).
         *
         * @param inputShapes the shapes of the collator's arrays
         * @return this builder
         */
        public Builder<T> optInputShapes(Shape... inputShapes) {
            this.inputShapes = inputShapes.clone();
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the encoder
         */
        public BlockEncoder<T> build() {
            if (typeName == null || typeName.isBlank()) {
                throw new IllegalArgumentException("BlockEncoder needs a type name: call setTypeName(\"...\") "
                        + "and register BlockEncoder.factory(...) under it to load saved models");
            }
            if (block == null) {
                throw new IllegalArgumentException("BlockEncoder '" + typeName + "' needs a block: call setBlock");
            }
            if (collator == null) {
                throw new IllegalArgumentException("BlockEncoder '" + typeName + "' needs a collator: call "
                        + "setCollator (Collators.floatVectors() for float[] records)");
            }
            if (embeddingSize < 1) {
                throw new IllegalArgumentException("BlockEncoder '" + typeName + "' needs embeddingSize >= 1, got "
                        + embeddingSize + ": call setEmbeddingSize with the block's output width");
            }
            return new BlockEncoder<>(this);
        }
    }
}
