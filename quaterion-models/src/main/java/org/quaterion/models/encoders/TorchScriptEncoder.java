package org.quaterion.models.encoders;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.io.ModelFormatException;

/**
 * An encoder that runs a TorchScript module ({@code .pt}, from {@code torch.jit.trace}/{@code script}) on DJL's
 * PyTorch engine, frozen (default, as pretrained encoders usually are) or trainable.
 *
 * <p>Saved as {@code encoder.json}, the original {@code module.pt} and, when trainable, {@code parameters.ndlist}
 * with the current values of the module's parameters by name. Records of type {@code float[]} are supported out
 * of the box (type name {@value #VECTOR_TYPE}); other record types need their own type name and collator, loaded
 * through {@link #factory(String, Collator)}. Needs the PyTorch engine on the class path at run time.
 *
 * @param <T> the record type
 */
public final class TorchScriptEncoder<T> implements Encoder<T> {

    /** Type name of the built-in TorchScript encoder over {@code float[]} records. */
    public static final String VECTOR_TYPE = "torchscript";

    private static final String MODULE_FILE = "module.pt";
    private static final String PARAMETERS_FILE = "parameters.ndlist";

    private final String typeName;
    private final byte[] moduleBytes;
    private final Collator<T> collator;
    private final CloseGate gate = new CloseGate("TorchScriptEncoder");
    private final int embeddingSize;
    private final boolean trainable;
    private volatile Model model; // set once by initialize (synchronized), read by every forward
    private Path loadedParameters;
    private volatile DataType dataType = DataType.FLOAT32;

    private TorchScriptEncoder(String typeName, byte[] moduleBytes, Collator<T> collator, int embeddingSize,
            boolean trainable) {
        this.typeName = typeName;
        this.moduleBytes = moduleBytes;
        this.collator = collator;
        this.embeddingSize = embeddingSize;
        this.trainable = trainable;
    }

    /**
     * Creates an encoder over {@code float[]} records from a TorchScript file.
     *
     * @param moduleFile the {@code .pt} file
     * @param embeddingSize the module's output width
     * @param trainable whether its parameters are optimised
     * @return the encoder (initialized by {@code SimilarityModel})
     * @throws IOException when the file cannot be read
     */
    public static TorchScriptEncoder<float[]> forVectors(Path moduleFile, int embeddingSize, boolean trainable)
            throws IOException {
        return create(VECTOR_TYPE, moduleFile, Collators.floatVectors(), embeddingSize, trainable);
    }

    /**
     * Creates an encoder from a TorchScript file with a custom collator.
     *
     * @param typeName the registered type name (see {@link #factory})
     * @param moduleFile the {@code .pt} file
     * @param collator turns records into the module's inputs
     * @param embeddingSize the module's output width
     * @param trainable whether its parameters are optimised
     * @param <T> the record type
     * @return the encoder
     * @throws IOException when the file cannot be read
     */
    public static <T> TorchScriptEncoder<T> create(String typeName, Path moduleFile, Collator<T> collator,
            int embeddingSize, boolean trainable) throws IOException {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(collator, "collator");
        if (!Files.isRegularFile(moduleFile)) {
            throw new IllegalArgumentException("TorchScript file " + moduleFile + " does not exist: export one with "
                    + "torch.jit.trace(module, example).save(path)");
        }
        if (embeddingSize < 1) {
            throw new IllegalArgumentException("embeddingSize must be >= 1, got " + embeddingSize);
        }
        return new TorchScriptEncoder<>(typeName, Files.readAllBytes(moduleFile), collator, embeddingSize, trainable);
    }

    /**
     * A factory that loads TorchScript encoders saved under {@code typeName}.
     *
     * @param typeName the type name
     * @param collator the collator for the records
     * @param <T> the record type
     * @return the factory
     */
    public static <T> EncoderFactory factory(String typeName, Collator<T> collator) {
        return new EncoderFactory() {
            @Override
            public String typeName() {
                return typeName;
            }

            @Override
            public Encoder<?> load(Path dir, LoadContext context) throws IOException {
                Path configFile = dir.resolve(BlockEncoder.CONFIG_FILE);
                JsonObject config = JsonFiles.read(configFile);
                int size = JsonFiles.requireInt(config, "embedding_size", configFile.toString());
                boolean train = config.has("trainable") && config.get("trainable").getAsBoolean();
                TorchScriptEncoder<T> encoder = create(typeName, dir.resolve(MODULE_FILE), collator, size, train);
                Path params = dir.resolve(PARAMETERS_FILE);
                encoder.loadedParameters = Files.exists(params) ? params : null;
                encoder.initialize(context.manager(), context.dataType());
                return encoder;
            }
        };
    }

    /**
     * The built-in factory for {@code float[]} records.
     *
     * @return the factory of type {@value #VECTOR_TYPE}
     */
    public static EncoderFactory vectorFactory() {
        return factory(VECTOR_TYPE, Collators.floatVectors());
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

    @Override
    public synchronized void initialize(NDManager manager, DataType modelType) {
        this.dataType = modelType;
        if (model != null) {
            return;
        }
        Model m = Model.newInstance("torchscript-" + typeName, manager.getDevice(), "PyTorch");
        try {
            Path tmp = Files.createTempFile("quaterion-torchscript", ".pt");
            try {
                Files.write(tmp, moduleBytes);
                String flag = String.valueOf(trainable);
                m.load(tmp, null, Map.of("retrain", flag, "trainParam", flag, "mapLocation", "true"));
            } finally {
                Files.deleteIfExists(tmp);
            }
            if (loadedParameters != null) {
                restoreParameters(m.getBlock(), loadedParameters);
            }
            m.getBlock().freezeParameters(!trainable);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw new IllegalArgumentException("cannot load the TorchScript module of encoder '" + typeName + "': "
                    + e.getMessage(), e);
        }
        model = m;
    }

    private static void restoreParameters(Block block, Path file) throws IOException {
        Map<String, Parameter> byName = new HashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            byName.put(p.getValue().getName(), p.getValue());
        }
        NDManager tmp = block.getParameters().valueAt(0).getArray().getManager().newSubManager();
        try (tmp) {
            NDList saved;
            try {
                saved = NDList.decode(tmp, Files.readAllBytes(file));
            } catch (RuntimeException e) {
                throw new org.quaterion.models.io.CorruptArtifactException(file, "is truncated or corrupt: "
                        + e.getMessage(), e);
            }
            for (NDArray value : saved) {
                Parameter target = byName.get(value.getName());
                if (target == null || !target.getArray().getShape().equals(value.getShape())) {
                    throw new ModelFormatException(file, "holds parameter '" + value.getName() + "' " + value.getShape()
                            + " that the TorchScript module does not have: the module changed since saving");
                }
                value.copyTo(target.getArray());
            }
        }
    }

    private Block block() {
        if (model == null) {
            throw new IllegalStateException("TorchScriptEncoder '" + typeName + "' is not initialized: add it to a "
                    + "SimilarityModel or call initialize(manager, dataType)");
        }
        return model.getBlock();
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
            return BlockForward.run(block(), batch, training && trainable, dataType, embeddingSize,
                    "TorchScriptEncoder '" + typeName + "'");
        }
    }

    @Override
    public ParameterList parameters() {
        return block().getParameters();
    }

    @Override
    public void save(Path dir) throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty("embedding_size", embeddingSize);
        config.addProperty("trainable", trainable);
        JsonFiles.write(dir.resolve(BlockEncoder.CONFIG_FILE), config);
        Files.write(dir.resolve(MODULE_FILE), moduleBytes);
        if (trainable) {
            NDList values = new NDList();
            for (Pair<String, Parameter> p : block().getParameters()) {
                NDArray a = p.getValue().getArray();
                a.setName(p.getValue().getName());
                values.add(a);
            }
            Files.write(dir.resolve(PARAMETERS_FILE), values.encode());
        }
    }

    @Override
    public void close() {
        gate.close(() -> { // waits for forward passes in flight
            synchronized (this) {
                if (model != null) {
                    model.close();
                    model = null;
                }
            }
        });
    }

    @Override
    public String toString() {
        return "TorchScriptEncoder{type=" + typeName + ", embeddingSize=" + embeddingSize + ", trainable="
                + trainable + "}";
    }
}
