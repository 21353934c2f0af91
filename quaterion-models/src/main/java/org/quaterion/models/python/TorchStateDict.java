package org.quaterion.models.python;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a state dict saved by {@code torch.save(module.state_dict(), file)} (PyTorch's zip format: {@code
 * <name>/data.pkl} plus one {@code <name>/data/<key>} file per storage): names to float32 / float64 tensors, without
 * Python and without running anything from the file.
 */
final class TorchStateDict {

    /** A tensor read from the file: its shape and its values in row-major order. */
    record Tensor(long[] shape, double[] values, boolean float64) {}

    /** A storage the pickle refers to: its element type and its file in the archive. */
    private record Storage(String type, String key) {}

    /** A tensor view before its storage is read. */
    private record View(Storage storage, long offset, List<Object> size, List<Object> stride) {}

    private TorchStateDict() {}

    /**
     * Reads the state dict.
     *
     * @param file the {@code weights.bin} that {@code torch.save} wrote
     * @return parameter name to tensor, in the file's order
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is not a torch zip of float32/float64 tensors
     */
    static Map<String, Tensor> read(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = zip.stream().filter(e -> e.getName().endsWith("/data.pkl")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + " is not a PyTorch zip archive (no data.pkl)"
                            + "; save the head with torch.save(state_dict) from PyTorch 1.6 or newer"));
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
            if (byteOrder != null && !new String(bytes(zip, byteOrder), StandardCharsets.US_ASCII).trim()
                    .equals("little")) {
                throw new IllegalArgumentException(file + " was written on a big-endian machine: unsupported");
            }
            Object root = Unpickler.load(bytes(zip, pickle), new Unpickler.Resolver() {
                @Override
                public Object reduce(Unpickler.Global callable, List<Object> args) {
                    switch (callable.toString()) {
                        case "collections.OrderedDict":
                            return new LinkedHashMap<>();
                        case "torch._utils._rebuild_tensor_v2":
                            return new View((Storage) args.get(0), (Long) args.get(1), list(args.get(2)),
                                    list(args.get(3)));
                        case "torch._utils._rebuild_parameter":
                            return args.get(0);
                        default:
                            throw new IllegalArgumentException(file + " calls " + callable + ": only a state dict of "
                                    + "tensors is read (save head.state_dict(), not the module)");
                    }
                }

                @Override
                public Object persistentLoad(Object pid) {
                    List<Object> id = list(pid);
                    if (id.size() < 3 || !"storage".equals(id.get(0))) {
                        throw new IllegalArgumentException(file + " has an unknown persistent id " + pid);
                    }
                    return new Storage(String.valueOf(id.get(1)), String.valueOf(id.get(2)));
                }
            });
            if (!(root instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(file + " holds a " + root + ", not a state dict");
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getValue() instanceof View view)) {
                    throw new IllegalArgumentException(file + ": entry " + e.getKey() + " is not a tensor");
                }
                tensors.put(String.valueOf(e.getKey()), materialise(zip, prefix, view, file));
            }
            return tensors;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        if (!(value instanceof List<?>)) {
            throw new IllegalArgumentException("expected a tuple in the pickle, got " + value);
        }
        return (List<Object>) value;
    }

    private static Tensor materialise(ZipFile zip, String prefix, View view, Path file) throws IOException {
        boolean float64;
        switch (view.storage().type()) {
            case "torch.FloatStorage" -> float64 = false;
            case "torch.DoubleStorage" -> float64 = true;
            default -> throw new IllegalArgumentException(file + " holds a " + view.storage().type() + " tensor: "
                    + "only float32 and float64 weights are read (call .float() before saving)");
        }
        ZipEntry entry = zip.getEntry(prefix + "data/" + view.storage().key());
        if (entry == null) {
            throw new IllegalArgumentException(file + " lacks the storage data/" + view.storage().key());
        }
        ByteBuffer data = ByteBuffer.wrap(bytes(zip, entry)).order(ByteOrder.LITTLE_ENDIAN);
        int dims = view.size().size();
        long[] shape = new long[dims];
        long[] stride = new long[dims];
        long count = 1;
        for (int d = 0; d < dims; d++) {
            shape[d] = (Long) view.size().get(d);
            stride[d] = (Long) view.stride().get(d);
            count *= shape[d];
        }
        int width = float64 ? 8 : 4;
        double[] values = new double[(int) count];
        long[] index = new long[dims];
        for (int i = 0; i < count; i++) {
            long at = view.offset();
            for (int d = 0; d < dims; d++) {
                at += index[d] * stride[d];
            }
            long byteAt = at * width;
            if (byteAt < 0 || byteAt + width > data.capacity()) {
                throw new IllegalArgumentException(file + ": a tensor reads past its storage; the file is corrupt");
            }
            values[i] = float64 ? data.getDouble((int) byteAt) : data.getFloat((int) byteAt);
            for (int d = dims - 1; d >= 0; d--) { // next index in row-major order
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new Tensor(shape, values, float64);
    }

    private static byte[] bytes(ZipFile zip, ZipEntry entry) throws IOException {
        if (entry.getSize() > (1L << 30)) {
            throw new IllegalArgumentException(entry.getName() + " is over 1 GiB: not a head's weights");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
