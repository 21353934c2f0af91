package org.quaterion.models.python;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds PyTorch state-dict archives in tests, byte by byte: pickles as {@code torch.save} writes them (protocol
 * 2), crafted ones, and zip entries whose header declares another size than they inflate to.
 */
final class TorchArchives {

    private TorchArchives() {}

    /** A pickle written opcode by opcode. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle proto() {
            return op(0x80, 2);
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle unicode(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            return unicodeHeader(bytes.length).raw(bytes);
        }

        /** BINUNICODE with a declared length and no bytes after it. */
        Pickle unicodeHeader(int length) {
            op('X');
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(length).array());
        }

        Pickle integer(long value) {
            if (value >= 0 && value < 256) {
                return op('K', (int) value);
            }
            op('J');
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
        }

        /** A LONG1, for values beyond int. */
        Pickle long8(long value) {
            op(0x8a, 8);
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }

        Pickle tuple(long... values) {
            op('(');
            for (long v : values) {
                if (v > Integer.MAX_VALUE) {
                    long8(v);
                } else {
                    integer(v);
                }
            }
            return op('t');
        }

        Pickle raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** One tensor of a state dict: its name, storage key and declared storage size, and its view. */
    record Tensor(String name, String key, long storageElements, long offset, long[] size, long[] stride) {
        static Tensor contiguous(String name, String key, long... size) {
            long[] stride = new long[size.length];
            long s = 1;
            for (int d = size.length - 1; d >= 0; d--) {
                stride[d] = s;
                s *= size[d];
            }
            return new Tensor(name, key, s, 0, size, stride);
        }
    }

    /** The pickle {@code torch.save(state_dict)} writes for these float32 tensors. */
    static byte[] stateDict(List<Tensor> tensors) {
        return stateDict(tensors, tensors.stream().map(t -> "FloatStorage").toList());
    }

    /**
     * The pickle {@code torch.save(state_dict)} writes for these tensors, each with the storage type given (e.g.
     * {@code HalfStorage}, {@code LongStorage}).
     */
    static byte[] stateDict(List<Tensor> tensors, List<String> storageTypes) {
        Pickle p = new Pickle().proto().global("collections", "OrderedDict").op(')', 'R');
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            p.unicode(t.name()).global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').unicode("storage").global("torch", storageTypes.get(i)).unicode(t.key()).unicode("cpu");
            if (t.storageElements() > Integer.MAX_VALUE) {
                p.long8(t.storageElements());
            } else {
                p.integer(t.storageElements());
            }
            p.op('t', 'Q').integer(t.offset()).tuple(t.size()).tuple(t.stride()).op(0x89);
            p.global("collections", "OrderedDict").op(')', 'R', 't', 'R', 's');
        }
        return p.op('.').bytes();
    }

    /** Little-endian float32 bytes. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** A zip entry: its name, method, the compressed bytes and the CRC and sizes its headers declare. */
    record Entry(String name, boolean deflated, byte[] data, long crc, long declaredSize) {
        /** A stored entry whose headers tell the truth. */
        static Entry stored(String name, byte[] bytes) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            return new Entry(name, false, bytes, crc.getValue(), bytes.length);
        }

        /**
         * A deflated entry of {@code mebibytes} MiB of zeros whose headers declare {@code declaredSize} bytes: the
         * stream is one compressed MiB repeated (each ends in a full flush, so the copies chain), a few kB per GiB.
         */
        static Entry zeroBomb(String name, int mebibytes, long declaredSize) {
            byte[] zeros = new byte[1 << 20];
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
            deflater.setInput(zeros);
            byte[] buffer = new byte[1 << 16];
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            int n;
            while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH)) > 0) {
                chunk.write(buffer, 0, n);
            }
            deflater.end();
            byte[] once = chunk.toByteArray();
            ByteArrayOutputStream stream = new ByteArrayOutputStream(once.length * mebibytes + 8);
            CRC32 crc = new CRC32();
            for (int i = 0; i < mebibytes; i++) {
                stream.writeBytes(once);
                crc.update(zeros);
            }
            stream.write(0x03); // an empty final block (fixed Huffman, end of block)
            stream.write(0x00);
            return new Entry(name, true, stream.toByteArray(), crc.getValue(), declaredSize);
        }
    }

    /** Writes a zip archive of the entries; the headers declare what each entry says, true or not. */
    static void writeZip(Path file, List<Entry> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteArrayOutputStream central = new ByteArrayOutputStream();
            long offset = 0;
            List<Long> offsets = new ArrayList<>();
            for (Entry e : entries) {
                offsets.add(offset);
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                ByteBuffer local = le(30 + name.length).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
                        .putShort((short) (e.deflated() ? 8 : 0)).putInt(0).putInt((int) e.crc())
                        .putInt(e.data().length).putInt((int) e.declaredSize()).putShort((short) name.length)
                        .putShort((short) 0).put(name);
                out.write(local.array());
                out.write(e.data());
                offset += local.capacity() + e.data().length;
            }
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                central.writeBytes(le(46 + name.length).putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
                        .putShort((short) 0).putShort((short) (e.deflated() ? 8 : 0)).putInt(0).putInt((int) e.crc())
                        .putInt(e.data().length).putInt((int) e.declaredSize()).putShort((short) name.length)
                        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt((int) (long) offsets.get(i)).put(name).array());
            }
            byte[] directory = central.toByteArray();
            out.write(directory);
            out.write(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                    .putShort((short) entries.size()).putShort((short) entries.size()).putInt(directory.length)
                    .putInt((int) offset).putShort((short) 0).array());
        }
    }

    /** Writes a state-dict archive as {@code torch.save} does: data.pkl, byteorder, one stored entry per storage. */
    static void writeStateDict(Path file, byte[] pickle, List<Entry> storages) throws IOException {
        List<Entry> entries = new ArrayList<>();
        entries.add(Entry.stored("archive/data.pkl", pickle));
        entries.add(Entry.stored("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)));
        entries.addAll(storages);
        writeZip(file, entries);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
