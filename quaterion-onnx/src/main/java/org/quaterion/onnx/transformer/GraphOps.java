package org.quaterion.onnx.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.quaterion.onnx.proto.Onnx.AttributeProto;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.NodeProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;
import org.quaterion.onnx.proto.Onnx.TensorShapeProto;
import org.quaterion.onnx.proto.Onnx.TypeProto;
import org.quaterion.onnx.proto.Onnx.ValueInfoProto;

/**
 * Adds nodes, constants and initializers to an ONNX graph under a name prefix, so that each value name is unique and
 * says where it comes from ({@code encoder/layer.0/attention/scores}).
 */
final class GraphOps {

    private final GraphProto.Builder graph;
    private final String prefix;

    GraphOps(GraphProto.Builder graph, String prefix) {
        this.graph = graph;
        this.prefix = prefix;
    }

    /** The graph being built. */
    GraphProto.Builder graph() {
        return graph;
    }

    /**
     * Adds a node with one output.
     *
     * @param op the operator type
     * @param output the output's name, under this prefix
     * @param inputs the inputs' full names
     * @param attributes the node's attributes
     * @return the output's full name
     */
    String op(String op, String output, List<String> inputs, AttributeProto... attributes) {
        String out = prefix + output;
        graph.addNode(NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(inputs).addOutput(out)
                .addAllAttribute(List.of(attributes)));
        return out;
    }

    /** A float scalar constant, as an initializer. */
    String scalar(String name, float value) {
        String full = prefix + name;
        graph.addInitializer(TensorProto.newBuilder().setName(full).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value));
        return full;
    }

    /** An int64 constant: a scalar when {@code vector} is false, else a 1-D tensor of the values. */
    String int64(String name, boolean vector, long... values) {
        String full = prefix + name;
        TensorProto.Builder t = TensorProto.newBuilder().setName(full).setDataType(TensorProto.DataType.INT64_VALUE);
        if (vector) {
            t.addDims(values.length);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return full;
    }

    /**
     * Adds a float32 array as an initializer named {@code name} exactly (no prefix), with its shape, its values raw
     * little-endian.
     */
    String initializer(String name, NDArray array) {
        NDArray values = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        ByteBuffer raw = values.toByteBuffer().order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            ByteBuffer le = ByteBuffer.allocate(raw.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            le.asFloatBuffer().put(raw.asFloatBuffer());
            raw = le;
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw));
        for (long d : values.getShape().getShape()) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /**
     * A graph input or output's declaration: a tensor of an ONNX element type whose dimensions are names (symbolic,
     * e.g. {@code "batch"}) or sizes.
     */
    static ValueInfoProto tensor(String name, int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String symbol) {
                dim.setDimParam(symbol);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))).build();
    }
}
