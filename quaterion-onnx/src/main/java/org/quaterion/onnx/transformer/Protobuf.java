package org.quaterion.onnx.transformer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quaterion.models.io.CorruptArtifactException;

/**
 * A minimal protobuf reader over a little-endian buffer holding a whole message: enough to walk an ONNX model's
 * graph. Every length is checked against the enclosing message before it is used, so a damaged or hostile file ends
 * in a {@link CorruptArtifactException} naming it.
 */
final class Protobuf {

    /** Wire types. */
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int BYTES = 2;
    static final int FIXED32 = 5;

    /**
     * One field of a message.
     *
     * @param number its field number
     * @param wire its wire type
     * @param value the value of a varint; for the other wire types the offset of its bytes
     * @param end the offset just past its bytes (for a varint: unused)
     */
    record Field(int number, int wire, long value, int end) {
        int start() {
            return (int) value;
        }
    }

    private final ByteBuffer b;
    private final Path file;

    Protobuf(ByteBuffer b, Path file) {
        this.b = b;
        this.file = file;
    }

    /** The fields of the message in {@code [start, end)}. */
    List<Field> fields(int start, int end) {
        List<Field> out = new ArrayList<>();
        int[] pos = {start};
        while (pos[0] < end) {
            long key = varint(pos, end);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case VARINT -> out.add(new Field(number, wire, varint(pos, end), pos[0]));
                case FIXED64, FIXED32 -> {
                    int width = wire == FIXED64 ? 8 : 4;
                    need(pos[0], width, end);
                    out.add(new Field(number, wire, pos[0], pos[0] + width));
                    pos[0] += width;
                }
                case BYTES -> {
                    long length = varint(pos, end);
                    need(pos[0], length, end);
                    out.add(new Field(number, wire, pos[0], pos[0] + (int) length));
                    pos[0] += (int) length;
                }
                default -> throw corrupt("has protobuf wire type " + wire + " at byte " + pos[0]);
            }
        }
        return out;
    }

    /** A length-delimited field's bytes as UTF-8 text. */
    String string(Field f) {
        byte[] bytes = new byte[f.end() - f.start()];
        b.get(f.start(), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The integers of a repeated varint field, whether it is packed (one length-delimited field) or not (one field
     * per value).
     */
    void varints(Field f, List<Long> into) {
        if (f.wire() == VARINT) {
            into.add(f.value());
        } else if (f.wire() == BYTES) {
            int[] pos = {f.start()};
            while (pos[0] < f.end()) {
                into.add(varint(pos, f.end()));
            }
        } else {
            throw corrupt("has an integer field of wire type " + f.wire() + " at byte " + f.start());
        }
    }

    /** The buffer the fields point into. */
    ByteBuffer buffer() {
        return b;
    }

    private long varint(int[] pos, int end) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= end) {
                throw corrupt("ends inside a protobuf varint at byte " + pos[0]);
            }
            byte c = b.get(pos[0]++);
            result |= (long) (c & 0x7f) << shift;
            if (c >= 0) {
                return result;
            }
        }
        throw corrupt("has a protobuf varint longer than 10 bytes at byte " + pos[0]);
    }

    private void need(int at, long length, int end) {
        if (length < 0 || length > end - at) {
            throw corrupt("has a protobuf field of " + length + " bytes at byte " + at + " running past its message's "
                    + "end at byte " + end);
        }
    }

    CorruptArtifactException corrupt(String problem) {
        return new CorruptArtifactException(file, problem + ": it is truncated, damaged or not an ONNX model");
    }
}
