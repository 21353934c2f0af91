package org.quaterion.models.internal;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBaseBlock;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * Checks a DJL parameter file ({@code Block.saveParameters}) before {@code Block.loadParameters} reads it. DJL
 * allocates what the file declares (a shape of 2^31 dimensions, a 2 GiB data buffer) before it reads the bytes, so a
 * small damaged or hostile file could fill the heap or the direct memory; this reader walks the same layout without
 * allocating from it and compares every declared count and length with the bytes the file still has. Blocks whose
 * layout it knows (DJL's default, {@link Linear}, {@link SequentialBlock}, {@link ParallelBlock}, {@link LambdaBlock},
 * {@link Dropout}, {@link LayerNorm}, and every block that keeps the default metadata, as the heads do) are checked;
 * the walk stops, accepting the rest, at a block that writes its own layout.
 */
public final class ParameterFiles {

    private static final Set<Class<?>> SHAPES_ONLY = Set.of(ParallelBlock.class, Dropout.class);

    private ParameterFiles() {}

    /**
     * Walks the parameter file of {@code block}.
     *
     * @param file the file {@code block.loadParameters} will read
     * @param block the (uninitialized) block
     * @throws CorruptArtifactException when a declared count or length exceeds what the file holds, or the file ends
     *     early or has bytes left over
     * @throws ModelFormatException when the file cannot be opened
     */
    public static void check(Path file, Block block) {
        try {
            long size = Files.size(file);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
                Walker walker = new Walker(new DataInputStream(in), size, file);
                if (walker.block(block)) {
                    walker.end();
                }
            }
        } catch (EOFException e) {
            throw new CorruptArtifactException(file, "ends in the middle of a parameter: the file is truncated; save "
                    + "the model again", e);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads the layout; {@code left} is what the file has after the current position. */
    private static final class Walker {
        private final DataInputStream in;
        private final Path file;
        private long left;

        Walker(DataInputStream in, long size, Path file) {
            this.in = in;
            this.left = size;
            this.file = file;
        }

        /** Walks one block and its children; false when it met a layout it does not know and stopped. */
        boolean block(Block block) throws IOException {
            Class<?> loader = declaring(block.getClass(), "loadParameters", NDManager.class, DataInputStream.class);
            if (loader == LambdaBlock.class) {
                byte version = readByte();
                if (version == 2) {
                    shapes();
                }
                return true;
            }
            if (loader != AbstractBaseBlock.class) {
                return false; // a block with its own parameter layout: DJL reads the rest unchecked
            }
            byte version = readByte();
            Class<?> metadata = declaring(block.getClass(), "loadMetadata", byte.class, DataInputStream.class);
            if (metadata == AbstractBaseBlock.class) {
                shapes();
            } else if (SHAPES_ONLY.contains(metadata)) {
                if (version != 1) { // version 1 of these blocks wrote no shapes
                    shapes();
                }
            } else if (metadata == Linear.class) {
                linear(version);
            } else if (metadata == SequentialBlock.class) {
                shapes();
                if (version != 2) {
                    readByte(); // the version-3 flag
                }
            } else if (metadata == LayerNorm.class) {
                shapes();
                shape();
            } else {
                return false;
            }
            for (Parameter parameter : block.getDirectParameters().values()) {
                parameter(parameter);
            }
            for (Block child : block.getChildren().values()) {
                if (!block(child)) {
                    return false;
                }
            }
            return true;
        }

        void end() {
            if (left != 0) {
                throw new CorruptArtifactException(file, "has " + left + " bytes after its last parameter: the file "
                        + "is corrupt or belongs to another architecture; save the model again");
            }
        }

        private void linear(byte version) throws IOException {
            switch (version) {
                case 4 -> skip(16); // units, input features
                case 3 -> skip(17); // units, flatten flag, input features
                case 2 -> skip(9); // flatten flag, input features
                case 1 -> shape();
                default -> {
                    return; // DJL refuses the version itself
                }
            }
            shape();
        }

        private void parameter(Parameter parameter) throws IOException {
            char marker = readChar();
            if (marker == 'N') {
                return;
            }
            if (marker != 'P') {
                throw corrupt("parameter '" + parameter.getName() + "' does not start with its marker");
            }
            readByte(); // version
            readUtf(); // name
            // the array, as DJL's NDSerializer writes it: "NDAR", encoding version, [name], sparse format, type,
            // shape, [byte order], data length, data
            if (!"NDAR".equals(readUtf())) {
                throw corrupt("parameter '" + parameter.getName() + "' does not hold an array");
            }
            int encoding = readInt();
            if (encoding < 1 || encoding > 3) {
                throw corrupt("parameter '" + parameter.getName() + "' has an unknown array encoding " + encoding);
            }
            if (encoding > 1 && readByte() == 1) {
                readUtf(); // the array's name
            }
            readUtf(); // sparse format
            String typeName = readUtf();
            DataType type;
            try {
                type = DataType.valueOf(typeName);
            } catch (IllegalArgumentException e) {
                throw corrupt("parameter '" + parameter.getName() + "' has an unknown data type");
            }
            if (type == DataType.STRING || type == DataType.UNKNOWN) {
                throw corrupt("parameter '" + parameter.getName() + "' holds " + type + " values, not numbers");
            }
            long elements = shape();
            if (encoding > 2) {
                readByte(); // byte order
            }
            int length = readInt();
            long expected = ArtifactLimits.multiply(elements, type.getNumOfBytes());
            if (length < 0 || length > left || length != expected) {
                throw corrupt("parameter '" + parameter.getName() + "' declares " + length + " data bytes for "
                        + (elements == Long.MAX_VALUE ? "an overflowing number of" : String.valueOf(elements))
                        + " values of " + type + " with " + left + " bytes left in the file");
            }
            skip(length);
        }

        /** Reads a block's input shapes: a count, then the shapes. */
        private void shapes() throws IOException {
            int count = readInt();
            if (count < 0 || count > left / 8) { // a shape takes at least 8 bytes
                throw corrupt("declares " + count + " input shapes with " + left + " bytes left");
            }
            for (int i = 0; i < count; i++) {
                shape();
            }
        }

        /** Reads a shape (dimension count, dimensions, layout) and returns its element count, saturated. */
        private long shape() throws IOException {
            int dims = readInt();
            if (dims < 0 || dims > left / 8) {
                throw corrupt("declares a shape of " + dims + " dimensions with " + left + " bytes left");
            }
            long elements = 1;
            for (int d = 0; d < dims; d++) {
                long extent = readLong();
                elements = extent < 0 ? Long.MAX_VALUE : ArtifactLimits.multiply(elements, extent);
            }
            int layout = readInt();
            if (layout != dims) {
                throw corrupt("declares a shape of " + dims + " dimensions with a layout of " + layout);
            }
            skip(2L * layout);
            return elements;
        }

        private CorruptArtifactException corrupt(String problem) {
            return new CorruptArtifactException(file, problem + ": the file is corrupt or not a parameter file; save "
                    + "the model again");
        }

        private void need(long bytes) throws EOFException {
            if (bytes > left) {
                throw new EOFException();
            }
            left -= bytes;
        }

        private byte readByte() throws IOException {
            need(1);
            return in.readByte();
        }

        private char readChar() throws IOException {
            need(2);
            return in.readChar();
        }

        private int readInt() throws IOException {
            need(4);
            return in.readInt();
        }

        private long readLong() throws IOException {
            need(8);
            return in.readLong();
        }

        private String readUtf() throws IOException {
            need(2);
            int length = in.readUnsignedShort();
            need(length);
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) {
                throw new EOFException();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private void skip(long bytes) throws IOException {
            need(bytes);
            in.skipNBytes(bytes);
        }
    }

    /** The class in {@code type}'s hierarchy that declares the method, or null. */
    private static Class<?> declaring(Class<?> type, String name, Class<?>... parameters) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                c.getDeclaredMethod(name, parameters);
                return c;
            } catch (NoSuchMethodException e) {
                // look in the superclass
            }
        }
        return null;
    }
}
