package org.quaterion.models.python;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.quaterion.models.internal.ArtifactLimits;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.HalfFloats;
import org.quaterion.models.io.ModelFormatException;

/**
 * Reads a state dict saved by {@code torch.save(module.state_dict(), file)} (PyTorch's zip format: {@code
 * <name>/data.pkl} plus one {@code <name>/data/<key>} file per storage): names to float tensors (float32, float64,
 * float16, bfloat16), without Python and without running anything from the file.
 *
 * <p>Nothing is allocated from a size the file declares before that size is checked against what is actually there
 * and against the parameters the head needs: a tensor's shape and strides must fit the storage the pickle declares,
 * the storage's length must be what its zip entry holds, and every entry is inflated through a counting cap (its
 * declared size is never trusted), so a small hostile archive ends in a {@link CorruptArtifactException} that names
 * the file and the entry, never in an {@code OutOfMemoryError}.
 */
final class TorchStateDict {

    /** The largest {@code data.pkl} read, inflated: a state dict's pickle takes about 100 bytes per tensor. */
    static final int MAX_PICKLE_BYTES = 32 << 20;
    /** The most bytes read from the small text entries ({@code byteorder}). */
    private static final int MAX_TEXT_BYTES = 64;
    /** The longest storage key read (PyTorch numbers its storages). */
    private static final int MAX_KEY = 256;
    /** The most dimensions a tensor may have (PyTorch's own limit). */
    private static final int MAX_DIMS = 64;
    /** The largest storage read into memory, in bytes (a Java array). */
    private static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;
    /** Storages may exceed the head's parameters by this much (slack for views that share a larger storage). */
    private static final long STORAGE_SLACK_BYTES = 1 << 16;
    /** How many times its file's size a checkpoint's storages may declare, when no parameters are expected. */
    static final int INFLATION = 4;

    /**
     * The storages whose tensors can be read, by the name PyTorch pickles for their type; every other storage type
     * (integers, booleans, complex numbers, quantised ones) is refused or, where the caller allows, skipped.
     */
    enum FloatType {
        FLOAT32("torch.FloatStorage", Float.BYTES),
        FLOAT64("torch.DoubleStorage", Double.BYTES),
        FLOAT16("torch.HalfStorage", 2),
        BFLOAT16("torch.BFloat16Storage", 2);

        private final String storage;
        private final int width;

        FloatType(String storage, int width) {
            this.storage = storage;
            this.width = width;
        }

        /** The type whose storage PyTorch pickles under this name, or null when it holds no floats read here. */
        static FloatType ofStorage(String name) {
            for (FloatType t : values()) {
                if (t.storage.equals(name)) {
                    return t;
                }
            }
            return null;
        }

        /** The value of the element at a byte offset of a little-endian buffer. */
        double read(ByteBuffer data, int at) {
            return switch (this) {
                case FLOAT32 -> data.getFloat(at);
                case FLOAT64 -> data.getDouble(at);
                case FLOAT16 -> HalfFloats.float16(data.getShort(at));
                case BFLOAT16 -> HalfFloats.bfloat16(data.getShort(at));
            };
        }
    }

    /** A tensor read from the file: its shape and its values in row-major order. */
    record Tensor(long[] shape, double[] values) {}

    /**
     * A storage the pickle refers to: its file in the archive, its type's name, its element type (null when it holds
     * no floats) and its declared element count.
     */
    private record Storage(String key, String typeName, FloatType type, long elements) {
        int width() {
            return type == null ? 1 : type.width;
        }
    }

    /** A tensor view before its storage is read. */
    private record View(Storage storage, long offset, long[] shape, long[] stride) {}

    private TorchStateDict() {}

    /** A name from the file, cut to 200 characters for messages. */
    private static String shorten(String name) {
        return name.length() <= 200 ? name : name.substring(0, 200) + "...";
    }

    /**
     * Reads the state dict of a head whose parameters are known.
     *
     * @param file the {@code weights.bin} that {@code torch.save} wrote
     * @param expected the head's parameters: name to shape; the file must hold exactly these
     * @param head the head's name, for messages
     * @return parameter name to tensor, in the file's order
     * @throws IOException when the file cannot be read
     * @throws CorruptArtifactException when the file is damaged: not a zip, a malformed pickle, a tensor or an entry
     *     that does not fit what is declared
     * @throws ModelFormatException when it is not a state dict of float32/float64 tensors for this head (another
     *     head's parameters, a pickle that calls anything but the tensor rebuilders)
     */
    static Map<String, Tensor> read(Path file, Map<String, long[]> expected, String head) throws IOException {
        checkRegularFile(file, "a servable's weights are a file", "save the head with torch.save(head.state_dict(), "
                + "...)");
        long budget = STORAGE_SLACK_BYTES;
        for (long[] shape : expected.values()) {
            long count = 1;
            for (long d : shape) {
                count = ArtifactLimits.multiply(count, d);
            }
            budget = ArtifactLimits.add(budget, ArtifactLimits.multiply(count, Double.BYTES));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        read(file, new Reader(file, expected, head, name -> false, budget, "the " + head + "'s parameters need"))
                .forEach((name, v) -> {
                    double[] values = new double[v.count()];
                    v.forEach((i, value) -> values[i] = value);
                    tensors.put(name, new Tensor(v.view().shape(), values));
                });
        return tensors;
    }

    /**
     * Reads every float tensor of a state dict whose names are not known in advance (a pretrained model's
     * checkpoint), each as float32. The storages may declare at most {@link #INFLATION} times the file's size:
     * {@code torch.save} stores its entries uncompressed, so a real checkpoint declares no more than it holds.
     *
     * @param file the {@code .bin}/{@code .pt} file that {@code torch.save(state_dict)} wrote
     * @param skipNonFloat which tensors of another element type (integer buffers such as position ids) to leave out;
     *     any other such tensor is refused
     * @return name to tensor, in the file's order
     * @throws IOException when the file cannot be read
     * @throws CorruptArtifactException when the file is damaged
     * @throws ModelFormatException when it is not a state dict, or holds a non-float tensor not skipped
     */
    static Map<String, TorchCheckpoint.Tensor> readFloat32(Path file, Predicate<String> skipNonFloat) throws IOException {
        checkRegularFile(file, "a checkpoint is a file", "save the model with torch.save(model.state_dict(), ...)");
        ArtifactLimits.checkFileSize(file, ArtifactLimits.maxFileBytes(), ArtifactLimits.MAX_FILE_BYTES_PROPERTY);
        long budget = ArtifactLimits.add(ArtifactLimits.multiply(Files.size(file), INFLATION), STORAGE_SLACK_BYTES);
        Map<String, TorchCheckpoint.Tensor> tensors = new LinkedHashMap<>();
        read(file, new Reader(file, null, "state dict", skipNonFloat, budget, INFLATION + " times the file's size"))
                .forEach((name, v) -> {
                    float[] values = new float[v.count()];
                    v.forEach((i, value) -> values[i] = (float) value);
                    tensors.put(name, new TorchCheckpoint.Tensor(v.view().shape(), values));
                });
        return tensors;
    }

    private static void checkRegularFile(Path file, String what, String fix) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelFormatException(file, Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? "is not a regular file (a link, directory, pipe or device); " + what : "is missing: " + fix);
        }
    }

    private static Map<String, Values> read(Path file, Reader reader) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CorruptArtifactException(file, "is not a PyTorch zip archive (" + e.getMessage() + "); save it "
                    + "with torch.save(state_dict) from PyTorch 1.6 or newer", e);
        }
        try (zip) {
            return reader.read(zip);
        } catch (ZipException | java.io.EOFException e) {
            throw new CorruptArtifactException(file, "has a damaged zip entry (" + e.getMessage() + ")", e);
        }
    }

    /** What receives a tensor's values, by row-major index. */
    private interface ValueSink {
        void put(int index, double value);
    }

    /** A checked view and the bytes of its storage, read on demand into the caller's array. */
    private record Values(View view, ByteBuffer data) {
        int count() {
            long count = 1;
            for (long d : view.shape()) {
                count *= d; // bounded by checkView
            }
            return (int) count;
        }

        /** Each value in row-major order, read through the view's strides. */
        void forEach(ValueSink sink) {
            FloatType type = view.storage().type();
            int width = type.width;
            int dims = view.shape().length;
            long[] index = new long[dims];
            int count = count();
            for (int i = 0; i < count; i++) {
                long at = view.offset();
                for (int d = 0; d < dims; d++) {
                    at += index[d] * view.stride()[d];
                }
                sink.put(i, type.read(data, (int) (at * width))); // inside the kept bytes, checked in storages()
                for (int d = dims - 1; d >= 0; d--) { // next index in row-major order
                    if (++index[d] < view.shape()[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
        }
    }

    /** One read of one archive. */
    private static final class Reader {
        private ZipFile zip;
        private final Path file;
        private final Map<String, long[]> expected;
        private final String head;
        private final Predicate<String> skipNonFloat;
        private final long budget;
        private final String budgetReason;

        /**
         * A reader of one file.
         *
         * @param expected the names and shapes the file must hold, or null to read whatever it holds
         * @param head what the file holds, for messages
         * @param skipNonFloat the non-float tensors to leave out rather than refuse
         * @param budget the most bytes all storages together may declare
         * @param budgetReason where the budget comes from, for messages
         */
        Reader(Path file, Map<String, long[]> expected, String head, Predicate<String> skipNonFloat, long budget,
                String budgetReason) {
            this.file = file;
            this.expected = expected;
            this.head = head;
            this.skipNonFloat = skipNonFloat;
            this.budget = budget;
            this.budgetReason = budgetReason;
        }

        Map<String, Values> read(ZipFile archive) throws IOException {
            this.zip = archive;
            ZipEntry pickle = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements() && pickle == null;) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().endsWith("/data.pkl")) {
                    pickle = entry;
                }
            }
            if (pickle == null) {
                throw new CorruptArtifactException(file, "is not a PyTorch state dict archive (no data.pkl); save the "
                        + "head with torch.save(state_dict) from PyTorch 1.6 or newer");
            }
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
            if (byteOrder != null) {
                String order = new String(inflate(byteOrder, MAX_TEXT_BYTES, MAX_TEXT_BYTES), StandardCharsets.US_ASCII)
                        .trim();
                if (!order.equals("little")) {
                    throw new ModelFormatException(file, "was written on a big-endian machine (byteorder '"
                            + order.replaceAll("[^a-z]", "?") + "'): only little-endian archives are read");
                }
            }
            byte[] pickled = inflate(pickle, MAX_PICKLE_BYTES, MAX_PICKLE_BYTES);
            Object root = Unpickler.load(pickled, file, pickle.getName(), new StateDictResolver(file,
                    pickle.getName()));
            Map<String, View> views = views(root, pickle.getName());
            Map<Storage, Integer> needed = storages(views);
            Map<Storage, ByteBuffer> data = new LinkedHashMap<>();
            for (Map.Entry<Storage, Integer> e : needed.entrySet()) {
                data.put(e.getKey(), storage(prefix, e.getKey(), e.getValue()));
            }
            Map<String, Values> tensors = new LinkedHashMap<>();
            views.forEach((name, view) -> tensors.put(name, new Values(view, data.get(view.storage()))));
            return tensors;
        }

        /** The root dict's tensors, checked against the head's parameters before any storage is read. */
        private Map<String, View> views(Object root, String entry) {
            if (!(root instanceof Map<?, ?> map)) {
                throw new CorruptArtifactException(file, "entry " + entry + " holds a " + Unpickler.describe(root)
                        + ", not a state dict");
            }
            Map<String, View> views = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String name = shorten(String.valueOf(e.getKey()));
                if (!(e.getValue() instanceof View view)) {
                    throw new CorruptArtifactException(file, "entry " + entry + ": parameter '" + name + "' is a "
                            + Unpickler.describe(e.getValue()) + ", not a tensor");
                }
                checkView(name, view);
                if (view.storage().type() == null) {
                    if (expected == null && skipNonFloat.test(name)) {
                        continue;
                    }
                    throw new ModelFormatException(file, "holds tensor '" + name + "' of "
                            + view.storage().typeName() + ": only float32, float64, float16 and bfloat16 weights "
                            + "are read (call .float() before saving)");
                }
                views.put(name, view);
            }
            if (expected == null) {
                return views;
            }
            if (!views.keySet().equals(expected.keySet())) {
                throw new ModelFormatException(file, "has parameters " + names(views.keySet()) + ", the "
                        + head + " expects " + new TreeSet<>(expected.keySet()) + " (heads saved before "
                        + "quaterion_models 0.1.19 used other names; load and save them with a newer version)");
            }
            for (Map.Entry<String, View> e : views.entrySet()) {
                long[] shape = expected.get(e.getKey());
                if (!Arrays.equals(shape, e.getValue().shape())) {
                    throw new ModelFormatException(file, "holds " + e.getKey() + " of shape "
                            + Arrays.toString(e.getValue().shape()) + ", the head's config says "
                            + Arrays.toString(shape));
                }
            }
            return views;
        }

        /** At most 20 names, sorted, for a message. */
        private static String names(java.util.Set<String> names) {
            List<String> sorted = List.copyOf(new TreeSet<>(names));
            return sorted.size() <= 20 ? sorted.toString() : sorted.subList(0, 20) + " and " + (sorted.size() - 20)
                    + " more";
        }

        /** A view's shape, strides and offset must stay inside its storage's declared elements. */
        private void checkView(String name, View view) {
            long count = 1;
            long last = view.offset();
            for (int d = 0; d < view.shape().length; d++) {
                count = ArtifactLimits.multiply(count, view.shape()[d]);
                if (view.shape()[d] > 0) {
                    last = ArtifactLimits.add(last, ArtifactLimits.multiply(view.shape()[d] - 1, view.stride()[d]));
                }
            }
            if (count > 0 && last >= view.storage().elements()) {
                throw new CorruptArtifactException(file, "declares tensor '" + name + "' of shape "
                        + Arrays.toString(view.shape()) + " reaching element " + last + " of storage data/"
                        + view.storage().key() + ", which declares " + view.storage().elements() + " elements");
            }
            if (count > ArtifactLimits.MAX_TENSOR_ELEMENTS) {
                throw new CorruptArtifactException(file, "declares tensor '" + name + "' of shape "
                        + Arrays.toString(view.shape()) + ", more than the " + ArtifactLimits.MAX_TENSOR_ELEMENTS
                        + " elements a tensor may have");
            }
        }

        /**
         * The distinct storages with the bytes their views need; their declared sizes are checked against the
         * storage bound and, together, against what the head's parameters need.
         */
        private Map<Storage, Integer> storages(Map<String, View> views) {
            Map<Storage, Integer> needed = new LinkedHashMap<>();
            long declared = 0;
            for (View view : views.values()) {
                Storage storage = view.storage();
                long bytes = ArtifactLimits.multiply(storage.elements(), storage.width());
                if (!needed.containsKey(storage)) {
                    if (bytes > MAX_STORAGE_BYTES) {
                        throw new CorruptArtifactException(file, "declares storage data/" + storage.key() + " of "
                                + storage.elements() + " elements, above the " + MAX_STORAGE_BYTES + " bytes a "
                                + "storage may have");
                    }
                    declared = ArtifactLimits.add(declared, bytes);
                    if (declared > budget) {
                        throw new CorruptArtifactException(file, "declares storages of more than " + budget
                                + " bytes, more than " + budgetReason);
                    }
                    needed.put(storage, 0);
                }
                long extent = 0;
                long count = 1;
                long last = view.offset();
                for (int d = 0; d < view.shape().length; d++) {
                    count *= view.shape()[d]; // bounded by checkView
                    if (view.shape()[d] > 0) {
                        last += (view.shape()[d] - 1) * view.stride()[d];
                    }
                }
                if (count > 0) {
                    extent = (last + 1) * storage.width(); // inside the storage, checked above
                }
                needed.merge(storage, (int) extent, Math::max);
            }
            return needed;
        }

        /**
         * Reads a storage: its first {@code keep} bytes are kept, and the entry must hold exactly the bytes the
         * storage declares (counted, not trusted from the zip header; the read stops one byte past them).
         */
        private ByteBuffer storage(String prefix, Storage storage, int keep) throws IOException {
            String name = prefix + "data/" + storage.key();
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new CorruptArtifactException(file, "lacks the entry " + name + " that its pickle refers to");
            }
            long bytes = storage.elements() * storage.width(); // checked in storages()
            if (entry.getMethod() == ZipEntry.STORED && entry.getSize() != bytes) {
                throw new CorruptArtifactException(file, "entry " + name + " holds " + entry.getSize() + " bytes "
                        + "but its storage declares " + storage.elements() + " elements of " + storage.width()
                        + " bytes");
            }
            Inflated inflated = inflate(entry, bytes, keep, false);
            if (inflated.total() != bytes) {
                throw new CorruptArtifactException(file, "entry " + name + " holds " + inflated.total() + " bytes "
                        + "but its storage declares " + storage.elements() + " elements of " + storage.width()
                        + " bytes");
            }
            return ByteBuffer.wrap(inflated.kept()).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Reads a whole entry of at most {@code cap} bytes, refusing a larger one. */
        private byte[] inflate(ZipEntry entry, long cap, int keep) throws IOException {
            return inflate(entry, cap, keep, true).kept();
        }

        /**
         * Inflates an entry through a counting cap: the first {@code keep} bytes are kept, the rest counted and
         * dropped, and reading stops as soon as more than {@code cap} bytes came out.
         */
        private Inflated inflate(ZipEntry entry, long cap, int keep, boolean refuseOverCap) throws IOException {
            ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(keep, 1 << 16));
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            try (InputStream in = zip.getInputStream(entry)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (total < keep) {
                        kept.write(buffer, 0, (int) Math.min(n, keep - total));
                    }
                    total += n;
                    if (total > cap) {
                        throw new CorruptArtifactException(file, "entry " + entry.getName() + " inflates to more than "
                                + cap + " bytes (its header declares " + entry.getSize() + "): "
                                + (refuseOverCap ? "more than such an entry may have" : "more than its storage "
                                        + "declares") + "; the archive is corrupt or a zip bomb");
                    }
                }
            }
            return new Inflated(kept.toByteArray(), total);
        }
    }

    /** The bytes kept from an entry and how many it held. */
    private record Inflated(byte[] kept, long total) {}

    /**
     * Turns the pickle's calls into views: only {@code OrderedDict} and PyTorch's tensor and parameter rebuilders are
     * known; any other call is refused, so nothing the file names is run.
     */
    private static final class StateDictResolver implements Unpickler.Resolver {
        private final Path file;
        private final String entry;

        StateDictResolver(Path file, String entry) {
            this.file = file;
            this.entry = entry;
        }

        @Override
        public Object reduce(Unpickler.Global callable, List<Object> args) {
            switch (callable.toString()) {
                case "collections.OrderedDict":
                    return new LinkedHashMap<>();
                case "torch._utils._rebuild_tensor_v2":
                    if (args.size() < 4 || !(args.get(0) instanceof Storage storage)) {
                        throw corrupt("_rebuild_tensor_v2 without a storage as its first argument");
                    }
                    long offset = number(args.get(1), "storage offset");
                    long[] shape = dims(args.get(2), "size");
                    long[] stride = dims(args.get(3), "stride");
                    if (shape.length != stride.length) {
                        throw corrupt("a tensor of " + shape.length + " dimensions with " + stride.length
                                + " strides");
                    }
                    return new View(storage, offset, shape, stride);
                case "torch._utils._rebuild_parameter":
                    if (args.isEmpty() || !(args.get(0) instanceof View)) {
                        throw corrupt("_rebuild_parameter without a tensor as its first argument");
                    }
                    return args.get(0);
                default:
                    throw new ModelFormatException(file, "calls " + callable + ": only a state dict of tensors is "
                            + "read (save head.state_dict(), not the module); nothing the file names is run");
            }
        }

        @Override
        public Object persistentLoad(Object pid) {
            if (!(pid instanceof List<?> id) || id.size() < 5 || !"storage".equals(id.get(0))) {
                throw corrupt("a persistent id that is not ('storage', type, key, location, size)");
            }
            if (!(id.get(1) instanceof Unpickler.Global type)) {
                throw corrupt("a storage whose type is a " + Unpickler.describe(id.get(1)));
            }
            if (!(id.get(2) instanceof String key) || key.length() > MAX_KEY) {
                throw corrupt("a storage whose key is " + (id.get(2) instanceof String ? "longer than " + MAX_KEY
                        + " characters" : "a " + Unpickler.describe(id.get(2))));
            }
            String typeName = shorten(type.toString());
            return new Storage(key, typeName, FloatType.ofStorage(typeName), number(id.get(4), "storage size"));
        }

        private long number(Object value, String what) {
            if (!(value instanceof Long n) || n < 0) {
                throw corrupt("the " + what + " is " + (value instanceof Long ? value : "a "
                        + Unpickler.describe(value)) + ", not a non-negative integer");
            }
            return n;
        }

        private long[] dims(Object value, String what) {
            if (!(value instanceof List<?> list)) {
                throw corrupt("a tensor " + what + " that is a " + Unpickler.describe(value) + ", not a tuple");
            }
            if (list.size() > MAX_DIMS) {
                throw corrupt("a tensor " + what + " of " + list.size() + " dimensions, above " + MAX_DIMS);
            }
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = number(list.get(i), "tensor " + what);
            }
            return out;
        }

        private CorruptArtifactException corrupt(String problem) {
            return Unpickler.corrupt(file, entry, -1, problem);
        }
    }
}
