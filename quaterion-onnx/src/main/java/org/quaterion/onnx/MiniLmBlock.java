package org.quaterion.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quaterion.models.tensor.Scalars;

/**
 * A BERT encoder (all-MiniLM-L6-v2's shape by default) written with DJL operations, so that it trains on the PyTorch
 * engine: embeddings, post-LayerNorm transformer layers with exact GELU, mean pooling over the attention mask and
 * optional L2 normalisation. Input: token ids, attention mask, token types, each {@code (B, L)}. Pretrained weights
 * come from an ONNX export of the same architecture ({@link #loadOnnx}).
 */
public final class MiniLmBlock extends AbstractBlock {

    private static final float EPS = 1e-12f;

    private final int hidden;
    private final int heads;
    private final int layers;
    private final boolean normalize;
    private final Parameter wordEmbeddings;
    private final Parameter positionEmbeddings;
    private final Parameter typeEmbeddings;
    private final Parameter[] embeddingNorm;
    private final List<Parameter[]> layerParams = new ArrayList<>();

    /**
     * Creates the block (weights uninitialised until {@code initialize}, then usually {@link #loadOnnx}).
     *
     * @param vocab vocabulary size
     * @param hidden hidden size
     * @param layers transformer layers
     * @param heads attention heads
     * @param intermediate feed-forward size
     * @param maxPositions position embeddings
     * @param normalize whether to L2-normalise the pooled output
     */
    public MiniLmBlock(int vocab, int hidden, int layers, int heads, int intermediate, int maxPositions,
            boolean normalize) {
        this.hidden = hidden;
        this.heads = heads;
        this.layers = layers;
        this.normalize = normalize;
        wordEmbeddings = weight("embeddings.word_embeddings.weight", vocab, hidden);
        positionEmbeddings = weight("embeddings.position_embeddings.weight", maxPositions, hidden);
        typeEmbeddings = weight("embeddings.token_type_embeddings.weight", 2, hidden);
        embeddingNorm = norm("embeddings.LayerNorm", hidden);
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            Parameter[] q = linear(p + "attention.self.query", hidden, hidden);
            Parameter[] k = linear(p + "attention.self.key", hidden, hidden);
            Parameter[] v = linear(p + "attention.self.value", hidden, hidden);
            Parameter[] o = linear(p + "attention.output.dense", hidden, hidden);
            Parameter[] n1 = norm(p + "attention.output.LayerNorm", hidden);
            Parameter[] i = linear(p + "intermediate.dense", hidden, intermediate);
            Parameter[] d = linear(p + "output.dense", intermediate, hidden);
            Parameter[] n2 = norm(p + "output.LayerNorm", hidden);
            layerParams.add(new Parameter[] {q[0], q[1], k[0], k[1], v[0], v[1], o[0], o[1], n1[0], n1[1], i[0], i[1],
                d[0], d[1], n2[0], n2[1]});
        }
    }

    /**
     * all-MiniLM-L6-v2's configuration: 30,522 tokens, 384 hidden, 6 layers, 12 heads, 1,536 feed-forward, 512
     * positions, L2-normalised.
     *
     * @return the block
     */
    public static MiniLmBlock allMiniLmL6() {
        return new MiniLmBlock(30522, 384, 6, 12, 1536, 512, true);
    }

    private Parameter weight(String name, long... shape) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(shape)).build());
    }

    private Parameter[] linear(String name, int in, int out) {
        return new Parameter[] {weight(name + ".weight", out, in), addParameter(Parameter.builder()
                .setName(name + ".bias").setType(Parameter.Type.BIAS).optShape(new Shape(out)).build())};
    }

    private Parameter[] norm(String name, int size) {
        return new Parameter[] {addParameter(Parameter.builder().setName(name + ".weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(size)).build()), addParameter(Parameter.builder().setName(name + ".bias")
                .setType(Parameter.Type.BETA).optShape(new Shape(size)).build())};
    }

    /**
     * Copies pretrained weights from an ONNX export of this architecture (call after {@code initialize}).
     *
     * @param onnx the {@code .onnx} file
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when a weight is missing or has another shape
     */
    public void loadOnnx(Path onnx) throws IOException {
        Map<String, OnnxInitializers.Tensor> weights = OnnxInitializers.read(onnx);
        for (Parameter p : parameters.values()) {
            OnnxInitializers.Tensor t = weights.get(p.getName());
            if (t == null) {
                throw new IllegalArgumentException(onnx + " has no weight '" + p.getName() + "': not an export of this "
                        + "architecture");
            }
            NDArray target = p.getArray();
            NDManager m = target.getManager();
            NDArray value = m.create(t.values(), new Shape(t.dims()));
            boolean matMul = p.getType() == Parameter.Type.WEIGHT && p.getName().startsWith("encoder.");
            if (matMul) {
                value = value.transpose(); // ONNX MatMul weights are (in, out); Linear's are (out, in)
            }
            if (!value.getShape().equals(target.getShape())) {
                throw new IllegalArgumentException("weight '" + p.getName() + "' has shape " + value.getShape()
                        + " in " + onnx + ", the block expects " + target.getShape());
            }
            target.set(value.toType(target.getDataType(), false).toByteBuffer());
            value.close();
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false);
        NDArray types = inputs.size() > 2 ? inputs.get(2) : ids.zerosLike();
        long length = ids.getShape().get(1);
        NDArray positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64).expandDims(0);
        NDArray x = Embedding.embedding(ids, ps.getValue(wordEmbeddings, ids.getDevice(), training),
                SparseFormat.DENSE).head()
                .add(Embedding.embedding(positions, ps.getValue(positionEmbeddings, ids.getDevice(), training),
                        SparseFormat.DENSE).head())
                .add(Embedding.embedding(types, ps.getValue(typeEmbeddings, ids.getDevice(), training),
                        SparseFormat.DENSE).head());
        x = layerNorm(ps, x, embeddingNorm, training);
        NDArray maskBias = Scalars.mul(mask.sub(1), 1e4f).reshape(mask.getShape().get(0), 1, 1, length);
        for (Parameter[] p : layerParams) {
            x = layer(ps, x, maskBias, p, training);
        }
        NDArray m = mask.expandDims(2);
        NDArray pooled = x.mul(m).sum(new int[] {1}).div(Scalars.max(m.sum(new int[] {1}), 1e-9f));
        return new NDList(normalize ? pooled.normalize(2, 1, 1e-12) : pooled);
    }

    private NDArray layer(ParameterStore ps, NDArray x, NDArray maskBias, Parameter[] p, boolean training) {
        long b = x.getShape().get(0);
        long l = x.getShape().get(1);
        int headSize = hidden / heads;
        NDArray q = split(dense(ps, x, p[0], p[1], training), b, l, headSize);
        NDArray k = split(dense(ps, x, p[2], p[3], training), b, l, headSize);
        NDArray v = split(dense(ps, x, p[4], p[5], training), b, l, headSize);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(headSize)).add(maskBias);
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, l, hidden);
        NDArray attended = layerNorm(ps, dense(ps, context, p[6], p[7], training).add(x),
                new Parameter[] {p[8], p[9]}, training);
        NDArray ff = dense(ps, Activation.gelu(dense(ps, attended, p[10], p[11], training)), p[12], p[13], training);
        return layerNorm(ps, ff.add(attended), new Parameter[] {p[14], p[15]}, training);
    }

    private NDArray split(NDArray x, long b, long l, int headSize) {
        return x.reshape(b, l, heads, headSize).transpose(0, 2, 1, 3);
    }

    private static NDArray dense(ParameterStore ps, NDArray x, Parameter w, Parameter bias, boolean training) {
        return Linear.linear(x, ps.getValue(w, x.getDevice(), training), ps.getValue(bias, x.getDevice(), training))
                .head();
    }

    private static NDArray layerNorm(ParameterStore ps, NDArray x, Parameter[] p, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)),
                ps.getValue(p[0], x.getDevice(), training), ps.getValue(p[1], x.getDevice(), training), EPS).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), hidden)};
    }

    /**
     * Freezes (or unfreezes) the token embedding table, the largest weight (30,522 × 384 of MiniLM's 22.7M): with it
     * frozen, a step updates 11M parameters instead of 22.7M and computes no gradient for the table.
     *
     * @param freeze whether to freeze it
     */
    public void freezeTokenEmbeddings(boolean freeze) {
        wordEmbeddings.freeze(freeze);
    }

    /**
     * Whether a parameter is the token embedding table.
     *
     * @param p the parameter
     * @return true for the table
     */
    public boolean isTokenEmbeddings(Parameter p) {
        return p == wordEmbeddings;
    }

    /**
     * Transformer layers.
     *
     * @return the count
     */
    public int layers() {
        return layers;
    }
}
