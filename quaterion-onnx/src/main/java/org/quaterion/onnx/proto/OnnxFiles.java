package org.quaterion.onnx.proto;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.onnx.proto.Onnx.ModelProto;

/**
 * Reads and writes ONNX model files with the generated {@link Onnx} classes. Internal: used by this module's weight
 * reader and exporter, not API.
 */
public final class OnnxFiles {

    /** Protobuf serialises one message into at most 2 GiB; ONNX models larger than that keep weights outside. */
    public static final long MAX_BYTES = Integer.MAX_VALUE;

    /** Nesting allowed while parsing: graphs inside If/Loop attributes nest a few levels, never hundreds. */
    private static final int RECURSION_LIMIT = 256;

    private OnnxFiles() {}

    /**
     * Reads an ONNX model. The file is mapped, not copied: the tensors' raw data alias the mapping.
     *
     * @param file the {@code .onnx} file
     * @return the model
     * @throws IOException when the file cannot be read
     * @throws CorruptArtifactException when it is no valid protobuf ModelProto, naming the file
     * @throws ModelFormatException when it is larger than the 2 GiB a protobuf message holds
     */
    public static ModelProto read(Path file) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > MAX_BYTES) {
                throw new ModelFormatException(file, "is " + ch.size() + " bytes, more than the 2 GiB an ONNX "
                        + "model holds in one file; load the Hugging Face directory (model.safetensors) instead");
            }
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        CodedInputStream in = CodedInputStream.newInstance(b);
        in.enableAliasing(true);
        in.setSizeLimit(Integer.MAX_VALUE);
        in.setRecursionLimit(RECURSION_LIMIT);
        try {
            ModelProto model = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptArtifactException(file, "cannot be parsed as an ONNX model (" + e.getMessage() + "): "
                    + "it is truncated, damaged or not an ONNX model", e);
        }
    }

    /**
     * Writes a model to a file, replacing it.
     *
     * @param model the model; at most 2 GiB serialised
     * @param file where to write it
     * @throws IOException when the file cannot be written
     * @throws IllegalArgumentException when the model is larger than a protobuf message holds
     */
    public static void write(ModelProto model, Path file) throws IOException {
        long size = model.getSerializedSize();
        if (size < 0 || size > MAX_BYTES) {
            throw new IllegalArgumentException("the ONNX model is larger than the 2 GiB protobuf writes in one "
                    + "message; export a smaller model or keep its weights in external data");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        }
    }
}
