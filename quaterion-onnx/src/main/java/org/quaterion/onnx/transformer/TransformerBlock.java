package org.quaterion.onnx.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quaterion.models.tensor.Scalars;

/**
 * A BERT-family encoder written with DJL operations, so that it trains on the PyTorch engine: token, position and
 * type embeddings, post-LayerNorm transformer layers, pooling over the attention mask and optional L2
 * normalisation, with optional LoRA adapters on the layers' linear maps. Input: token ids, attention mask and
 * (optionally) token types, each {@code (B, L)}; output the sentence embeddings {@code (B, hidden)}. Parameters are
 * named as in Hugging Face's {@code BertModel} state dict, so pretrained weights load by name
 * ({@link #loadWeights}).
 */
public final class TransformerBlock extends AbstractBlock {

    private static final float GELU_TANH_C = (float) Math.sqrt(2 / Math.PI);

    private final TransformerConfig config;
    private final Pooling pooling;
    private final boolean normalize;
    private final LoraConfig lora;
    private final Parameter wordEmbeddings;
    private final Parameter positionEmbeddings;
    private final Parameter typeEmbeddings;
    private final Norm embeddingNorm;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, Parameter> byName = new LinkedHashMap<>();

    private record Norm(Parameter weight, Parameter bias) {}

    /** A linear map and, when adapted, its LoRA factors. */
    private static final class Dense {
        private final String name;
        private final Parameter weight;
        private final Parameter bias;
        private Parameter loraA;
        private Parameter loraB;

        Dense(String name, Parameter weight, Parameter bias) {
            this.name = name;
            this.weight = weight;
            this.bias = bias;
        }
    }

    private record Layer(Dense query, Dense key, Dense value, Dense attentionOutput, Norm attentionNorm,
            Dense intermediate, Dense output, Norm outputNorm) {

        Dense dense(LoraConfig.Target target) {
            return switch (target) {
                case QUERY -> query;
                case KEY -> key;
                case VALUE -> value;
                case ATTENTION_OUTPUT -> attentionOutput;
                case INTERMEDIATE -> intermediate;
                case OUTPUT -> output;
            };
        }
    }

    /**
     * Creates the block (weights uninitialised until {@code initialize}, then usually {@link #loadWeights}).
     *
     * @param config the transformer's shape
     * @param pooling how token states become the sentence embedding
     * @param normalize whether to L2-normalise the sentence embedding
     * @param lora adapters to add, or null for none
     */
    public TransformerBlock(TransformerConfig config, Pooling pooling, boolean normalize, LoraConfig lora) {
        this.config = Objects.requireNonNull(config, "config");
        this.pooling = Objects.requireNonNull(pooling, "pooling");
        this.normalize = normalize;
        this.lora = lora;
        int hidden = config.hiddenSize();
        wordEmbeddings = weight("embeddings.word_embeddings.weight", config.vocabSize(), hidden);
        positionEmbeddings = weight("embeddings.position_embeddings.weight", config.maxPositions(), hidden);
        typeEmbeddings = weight("embeddings.token_type_embeddings.weight", config.typeVocabSize(), hidden);
        embeddingNorm = norm("embeddings.LayerNorm", hidden);
        for (int l = 0; l < config.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            int inter = config.intermediateSize();
            layers.add(new Layer(dense(p + "attention.self.query", hidden, hidden),
                    dense(p + "attention.self.key", hidden, hidden), dense(p + "attention.self.value", hidden, hidden),
                    dense(p + "attention.output.dense", hidden, hidden), norm(p + "attention.output.LayerNorm", hidden),
                    dense(p + "intermediate.dense", hidden, inter), dense(p + "output.dense", inter, hidden),
                    norm(p + "output.LayerNorm", hidden)));
        }
        if (lora != null) {
            for (int l = 0; l < layers.size(); l++) {
                for (LoraConfig.Target t : LoraConfig.Target.values()) {
                    if (lora.adapts(l, t)) {
                        addAdapter(layers.get(l).dense(t));
                    }
                }
            }
        }
    }

    private void addAdapter(Dense d) {
        long out = d.weight.getShape().get(0);
        long in = d.weight.getShape().get(1);
        // A starts uniform in ±1/sqrt(in) (PEFT's Kaiming-uniform bound), B at zero: the adapter adds nothing yet
        d.loraA = register(Parameter.builder().setName(d.name + ".lora_A.weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(lora.rank(), in)).optInitializer(new UniformInitializer((float) (1 / Math.sqrt(in))))
                .build());
        d.loraB = register(Parameter.builder().setName(d.name + ".lora_B.weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, lora.rank())).optInitializer(Initializer.ZEROS).build());
    }

    private Parameter register(Parameter p) {
        byName.put(p.getName(), p);
        return addParameter(p);
    }

    private Parameter weight(String name, long... shape) {
        return register(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(shape))
                .build());
    }

    private Dense dense(String name, int in, int out) {
        return new Dense(name, weight(name + ".weight", out, in), register(Parameter.builder().setName(name + ".bias")
                .setType(Parameter.Type.BIAS).optShape(new Shape(out)).build()));
    }

    private Norm norm(String name, int size) {
        return new Norm(register(Parameter.builder().setName(name + ".weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(size)).build()), register(Parameter.builder().setName(name + ".bias")
                .setType(Parameter.Type.BETA).optShape(new Shape(size)).build()));
    }

    /**
     * The transformer's shape.
     *
     * @return the configuration
     */
    public TransformerConfig config() {
        return config;
    }

    /**
     * The pooling.
     *
     * @return how token states are pooled
     */
    public Pooling pooling() {
        return pooling;
    }

    /**
     * Whether the output is L2-normalised.
     *
     * @return true when normalised
     */
    public boolean normalizes() {
        return normalize;
    }

    /**
     * The adapters, if any.
     *
     * @return the LoRA settings, or null
     */
    public LoraConfig lora() {
        return lora;
    }

    /**
     * Copies pretrained weights into the block (after {@code initialize}). Every weight of the transformer must be
     * there with its shape; adapter weights are taken when present (else they keep their initial values), and
     * anything else in the checkpoint (a pooler, say) is ignored.
     *
     * @param weights Hugging Face state-dict names (without the model prefix) → tensors in PyTorch's layout
     * @param source the checkpoint, for messages
     * @throws IllegalArgumentException when a weight is missing or has another shape
     */
    public void loadWeights(Map<String, WeightTensor> weights, String source) {
        for (Parameter p : byName.values()) {
            WeightTensor t = weights.get(p.getName());
            if (t == null) {
                if (isAdapter(p)) {
                    continue;
                }
                throw new IllegalArgumentException(source + " has no weight '" + p.getName() + "': not a checkpoint "
                        + "of this architecture (" + config.architecture() + ", " + config.layers() + " layers)");
            }
            set(p, t, source);
        }
    }

    /**
     * Copies adapter weights into the block (after {@code initialize}); every adapter must be there.
     *
     * @param adapters adapter names ({@code ….lora_A.weight}, {@code ….lora_B.weight}) → tensors
     * @param source the adapter file, for messages
     * @throws IllegalStateException when the block has no adapters
     * @throws IllegalArgumentException when an adapter is missing or has another shape, or the file holds adapters
     *     the block does not have
     */
    public void loadAdapters(Map<String, WeightTensor> adapters, String source) {
        if (lora == null) {
            throw new IllegalStateException("this transformer has no LoRA adapters to load " + source + " into; "
                    + "build it with the adapter's LoRA settings");
        }
        for (String name : adapters.keySet()) {
            Parameter p = byName.get(name);
            if (p == null || !isAdapter(p)) {
                throw new IllegalArgumentException(source + " holds '" + name + "', which is not one of this "
                        + "transformer's adapters (targets " + lora.targets() + ", layers "
                        + (lora.layers().isEmpty() ? "all" : lora.layers()) + ")");
            }
        }
        for (Parameter p : byName.values()) {
            if (isAdapter(p)) {
                WeightTensor t = adapters.get(p.getName());
                if (t == null) {
                    throw new IllegalArgumentException(source + " has no adapter '" + p.getName() + "'");
                }
                set(p, t, source);
            }
        }
    }

    private static void set(Parameter p, WeightTensor t, String source) {
        NDArray target = p.getArray();
        if (!Arrays.equals(t.shape(), target.getShape().getShape())) {
            throw new IllegalArgumentException("weight '" + p.getName() + "' has shape " + Arrays.toString(t.shape())
                    + " in " + source + ", the transformer expects " + target.getShape());
        }
        try (NDArray value = target.getManager().create(t.values(), target.getShape())) {
            target.set(value.toType(target.getDataType(), false).toByteBuffer());
        }
    }

    /**
     * Whether a parameter is a LoRA factor.
     *
     * @param p a parameter of this block
     * @return true for {@code lora_A} / {@code lora_B}
     */
    public static boolean isAdapter(Parameter p) {
        return p.getName().contains(".lora_");
    }

    /**
     * The transformer's own weights (no adapters), each with LoRA's update added when {@code merged}: what a model
     * without adapters needs to compute what this one computes.
     *
     * @param merged whether to fold the adapters into the weights they adapt
     * @return Hugging Face names → new arrays (the caller closes them or their manager)
     */
    public Map<String, NDArray> weights(boolean merged) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Parameter p : byName.values()) {
            if (!isAdapter(p)) {
                out.put(p.getName(), p.getArray().duplicate());
            }
        }
        if (merged && lora != null) {
            for (Layer layer : layers) {
                for (LoraConfig.Target t : LoraConfig.Target.values()) {
                    Dense d = layer.dense(t);
                    if (d.loraA != null) {
                        NDArray update = Scalars.mul(d.loraB.getArray().matMul(d.loraA.getArray()),
                                (float) lora.scale());
                        out.get(d.weight.getName()).addi(update);
                        update.close();
                    }
                }
            }
        }
        return out;
    }

    /**
     * The adapters' factors.
     *
     * @return adapter names → new arrays (empty without adapters)
     */
    public Map<String, NDArray> adapterWeights() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Parameter p : byName.values()) {
            if (isAdapter(p)) {
                out.put(p.getName(), p.getArray().duplicate());
            }
        }
        return out;
    }

    /**
     * Sets which parameters train: with adapters only they do; without, every weight except the embeddings (when
     * {@code freezeEmbeddings}) and the lowest {@code frozenLayers} layers.
     *
     * @param freezeEmbeddings whether the embedding tables and their LayerNorm stay fixed
     * @param frozenLayers how many of the lowest transformer layers stay fixed
     * @throws IllegalArgumentException when {@code frozenLayers} is negative or more than the layers
     */
    public void setTrainable(boolean freezeEmbeddings, int frozenLayers) {
        if (frozenLayers < 0 || frozenLayers > config.layers()) {
            throw new IllegalArgumentException("frozen layers must be in [0, " + config.layers() + "], got "
                    + frozenLayers);
        }
        for (Parameter p : byName.values()) {
            boolean trains;
            if (lora != null) {
                trains = isAdapter(p);
            } else if (p.getName().startsWith("embeddings.")) {
                trains = !freezeEmbeddings;
            } else {
                trains = layerOf(p.getName()) >= frozenLayers;
            }
            p.freeze(!trains);
        }
    }

    private static int layerOf(String name) {
        String rest = name.substring("encoder.layer.".length());
        return Integer.parseInt(rest.substring(0, rest.indexOf('.')));
    }

    /**
     * Whether a parameter is the token embedding table (the largest weight of a small model).
     *
     * @param p the parameter
     * @return true for the table
     */
    public boolean isTokenEmbeddings(Parameter p) {
        return p == wordEmbeddings;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false);
        NDArray types = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike();
        long length = ids.getShape().get(1);
        if (length > config.maxTokens()) {
            throw new IllegalArgumentException("a batch of " + length + " tokens is longer than the "
                    + config.maxTokens() + " positions of this transformer; lower the encoder's max length");
        }
        NDArray x = embed(ps, ids, wordEmbeddings, training).add(embed(ps, positions(ids), positionEmbeddings,
                training)).add(embed(ps, types, typeEmbeddings, training));
        x = layerNorm(ps, x, embeddingNorm, training);
        NDArray maskBias = Scalars.mul(mask.sub(1), 1e4f).reshape(mask.getShape().get(0), 1, 1, length);
        for (Layer layer : layers) {
            x = layer(ps, x, maskBias, layer, training);
        }
        NDArray pooled = pooling.pool(x, mask);
        return new NDList(normalize ? pooled.normalize(2, 1, 1e-12) : pooled);
    }

    /** BERT: {@code 0 … L-1}; XLM-RoBERTa: {@code pad + 1 …} over non-padding tokens, {@code pad} on padding. */
    private NDArray positions(NDArray ids) {
        if (config.architecture() == TransformerConfig.Architecture.BERT) {
            return ids.getManager().arange(0, (int) ids.getShape().get(1), 1, DataType.INT64).expandDims(0);
        }
        NDArray real = ids.neq(config.padTokenId()).toType(DataType.INT64, false);
        return real.cumSum(1).mul(real).add(config.padTokenId());
    }

    private static NDArray embed(ParameterStore ps, NDArray ids, Parameter table, boolean training) {
        return Embedding.embedding(ids, ps.getValue(table, ids.getDevice(), training), SparseFormat.DENSE).head();
    }

    private NDArray layer(ParameterStore ps, NDArray x, NDArray maskBias, Layer p, boolean training) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        int hidden = config.hiddenSize();
        int headSize = hidden / config.heads();
        NDArray q = split(dense(ps, x, p.query, training), b, l, headSize);
        NDArray k = split(dense(ps, x, p.key, training), b, l, headSize);
        NDArray v = split(dense(ps, x, p.value, training), b, l, headSize);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(headSize)).add(maskBias);
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, l, hidden);
        NDArray attended = layerNorm(ps, dense(ps, context, p.attentionOutput, training).add(x), p.attentionNorm,
                training);
        NDArray ff = dense(ps, activation(dense(ps, attended, p.intermediate, training)), p.output, training);
        return layerNorm(ps, ff.add(attended), p.outputNorm, training);
    }

    private NDArray activation(NDArray x) {
        return switch (config.activation()) {
            case GELU -> Activation.gelu(x);
            case RELU -> Activation.relu(x);
            case GELU_TANH -> {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                NDArray inner = Scalars.mul(x.add(Scalars.mul(x.pow(3), 0.044715f)), GELU_TANH_C).tanh();
                yield Scalars.mul(x.mul(inner.add(1)), 0.5f);
            }
        };
    }

    private NDArray split(NDArray x, long b, long l, int headSize) {
        return x.reshape(b, l, config.heads(), headSize).transpose(0, 2, 1, 3);
    }

    private NDArray dense(ParameterStore ps, NDArray x, Dense d, boolean training) {
        NDArray w = ps.getValue(d.weight, x.getDevice(), training);
        NDArray bias = ps.getValue(d.bias, x.getDevice(), training);
        if (d.loraA == null) {
            return Linear.linear(x, w, bias).head();
        }
        NDArray a = ps.getValue(d.loraA, x.getDevice(), training);
        NDArray scaledB = Scalars.mul(ps.getValue(d.loraB, x.getDevice(), training), (float) lora.scale());
        if (!(training && lora.dropout() > 0)) {
            // W + (alpha / r) B A as one (out, in) weight: the step keeps the activations of one linear map, as full
            // fine-tuning does, instead of the adapter branch's extra (batch, length, out) tensors
            return Linear.linear(x, w.add(scaledB.matMul(a)), bias).head();
        }
        // dropout applies to the adapter branch alone, so it needs the branch
        NDArray y = Linear.linear(x, w, bias).head();
        NDArray low = Linear.linear(Dropout.dropout(x, (float) lora.dropout(), true).head(), a).head();
        return y.add(Linear.linear(low, scaledB).head());
    }

    private NDArray layerNorm(ParameterStore ps, NDArray x, Norm n, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), ps.getValue(n.weight, x.getDevice(), training),
                ps.getValue(n.bias, x.getDevice(), training), (float) config.layerNormEps()).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.hiddenSize())};
    }
}
