package org.quaterion.onnx.export;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quaterion.onnx.proto.Onnx.AttributeProto;
import org.quaterion.onnx.proto.Onnx.GraphProto;
import org.quaterion.onnx.proto.Onnx.NodeProto;
import org.quaterion.onnx.proto.Onnx.TensorProto;
import org.quaterion.onnx.proto.Onnx.TensorShapeProto;
import org.quaterion.onnx.proto.Onnx.TypeProto;
import org.quaterion.onnx.proto.Onnx.ValueInfoProto;

/**
 * Appends nodes and constants to an ONNX graph under fresh names ({@code quaterion/<op>_<n>}), so that nothing added
 * can clash with a name the graph already uses.
 */
final class GraphBuilder {

    /** ONNX TensorProto.DataType values used here. */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    private final GraphProto.Builder graph;
    private final Set<String> taken = new HashSet<>();
    private int counter;

    GraphBuilder(GraphProto.Builder graph) {
        this.graph = graph;
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        graph.getOutputList().forEach(v -> taken.add(v.getName()));
        graph.getInitializerList().forEach(t -> taken.add(t.getName()));
        for (NodeProto n : graph.getNodeList()) {
            taken.add(n.getName());
            taken.addAll(n.getOutputList());
        }
    }

    /** Whether the graph already uses a name (for a tensor, a node or an input). */
    boolean uses(String name) {
        return taken.contains(name);
    }

    /**
     * Appends a node with one output.
     *
     * @return the name of its output
     */
    String op(String opType, List<String> inputs, AttributeProto... attributes) {
        String out = fresh(opType);
        add(opType, inputs, out, attributes);
        return out;
    }

    /** Appends a node whose single output gets a given name (a graph output). */
    void opNamed(String opType, List<String> inputs, String output, AttributeProto... attributes) {
        taken.add(output);
        add(opType, inputs, output, attributes);
    }

    private void add(String opType, List<String> inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(output + "/node")
                .addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
    }

    /** A float32 constant of the given shape (an initializer). */
    String floats(String hint, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return initializer(hint, FLOAT, b, dims);
    }

    /** An int64 constant of the given shape. */
    String longs(String hint, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return initializer(hint, INT64, b, dims);
    }

    /** A float32 scalar. */
    String scalar(String hint, float value) {
        return floats(hint, new float[] {value});
    }

    /** A shape for Reshape (0 keeps the input's dimension, -1 takes the rest). */
    String shape(long... dims) {
        return longs("shape", dims, dims.length);
    }

    private String initializer(String hint, int type, ByteBuffer data, long... dims) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(data.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Declares a float32 graph output with symbolic and fixed dimensions (a String is a symbol, a Number fixed). */
    void output(String name, Object... dims) {
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
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))));
    }

    private String fresh(String hint) {
        String name;
        do {
            name = "quaterion/" + hint + "_" + counter++;
        } while (taken.contains(name));
        taken.add(name);
        return name;
    }

    /** An integer attribute. */
    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value)
                .build();
    }

    /** A float attribute. */
    static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }
}
