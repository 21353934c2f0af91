package org.quaterion.models.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quaterion.models.HostileFiles;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.TestModels;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.models.python.TorchArchives.Entry;
import org.quaterion.models.python.TorchArchives.Pickle;
import org.quaterion.models.python.TorchArchives.Tensor;

/**
 * Hostile Python servables: huge declared sizes, zip bombs, crafted and code-calling pickles, out-of-bound head
 * settings and pipes are refused with an exception naming the file, without allocating what they declare. The
 * servable is the gated head of the test resources (four gates over an identity encoder of width 4) with its weights
 * or configs replaced.
 */
class HostilePythonServableTest {

    /** What a refused load may allocate on the heap: the surefire heap is 2 GiB, the bound 1 GiB. */
    private static final long HEAP_BOUND = 1L << 30;

    static Path gated(Path tmp) throws Exception {
        Path source = Paths.get(HostilePythonServableTest.class.getResource("/python-servables/gated/config.json")
                .toURI()).getParent();
        Path copy = tmp.resolve("gated");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    static Map<String, Encoder<float[]>> identity() {
        return Map.of("default", TestModels.lambdaEncoder("identity", 4, x -> x));
    }

    /** Loads and returns the refusal, checking that it names the file and that the load stayed under the bound. */
    private static ModelFormatException refused(Path servable, Path file) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> {
            try (SimilarityModel<float[]> model = PythonServable.load(servable, identity(), float[].class)) {
                model.embeddingSize();
            }
        });
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains(file.toString()), "names " + file + ": " + e.getMessage());
        assertTrue(allocated < HEAP_BOUND, "allocated " + allocated + " bytes of heap to refuse it");
        String message = e.getMessage().substring(servable.toString().length());
        System.out.printf("refused with %,d KiB of heap allocated: ...%s%n", allocated >> 10,
                message.length() > 140 ? message.substring(0, 140) + "..." : message);
        return e;
    }

    private static void weights(Path servable, byte[] pickle, Entry... storages) throws IOException {
        TorchArchives.writeStateDict(servable.resolve("head/weights.bin"), pickle, List.of(storages));
    }

    @Test
    void theArchiveWriterOfTheseTestsMakesALoadableServable(@TempDir Path tmp) throws Exception {
        Path servable = gated(tmp);
        weights(servable, TorchArchives.stateDict(List.of(Tensor.contiguous("gates", "0", 4))),
                Entry.stored("archive/data/0", TorchArchives.floats(0.5f, 1, 2, 3)));
        try (SimilarityModel<float[]> model = PythonServable.load(servable, identity(), float[].class)) {
            float[] out = model.encode(List.of(new float[] {1, 1, 1, 1}), 1)[0];
            assertEquals((float) Math.tanh(0.5), out[0], 1e-6f);
            assertEquals((float) Math.tanh(3), out[3], 1e-6f);
        }
    }

    @Test
    void aHugeTensorOverATinyStorageIsRefusedBeforeItIsAllocated(@TempDir Path tmp) throws Exception {
        Path servable = gated(tmp);
        Path file = servable.resolve("head/weights.bin");
        Entry sixteenBytes = Entry.stored("archive/data/0", TorchArchives.floats(1, 2, 3, 4));
        // the storage says what it holds (4 elements), the view reaches far past it
        weights(servable, TorchArchives.stateDict(List.of(new Tensor("gates", "0", 4, 0, new long[] {100_000,
                100_000}, new long[] {100_000, 1}))), sixteenBytes);
        assertTrue(refused(servable, file).getMessage().contains("storage data/0"));
        // the storage lies about its size as well: 10^10 elements declared, 16 bytes there
        weights(servable, TorchArchives.stateDict(List.of(new Tensor("gates", "0", 10_000_000_000L, 0,
                new long[] {100_000, 100_000}, new long[] {100_000, 1}))), sixteenBytes);
        assertTrue(refused(servable, file) instanceof CorruptArtifactException);
        // the view fits its declared storage, which holds 16 bytes only
        weights(servable, TorchArchives.stateDict(List.of(new Tensor("gates", "0", 1 << 28, 0, new long[] {4},
                new long[] {1 << 26}))), sixteenBytes);
        assertTrue(refused(servable, file) instanceof CorruptArtifactException);
        // strides and sizes whose product overflows a long
        weights(servable, TorchArchives.stateDict(List.of(new Tensor("gates", "0", 4, 0, new long[] {1L << 40,
                1L << 40}, new long[] {1, 1}))), sixteenBytes);
        assertTrue(refused(servable, file) instanceof CorruptArtifactException);
    }

    @Test
    void aStringDeclaringTwoGibibytesIsRefused(@TempDir Path tmp) throws Exception {
        Path servable = gated(tmp);
        weights(servable, new Pickle().proto().unicodeHeader(0x7fffffff).unicode("x").op('.').bytes());
        ModelFormatException e = refused(servable, servable.resolve("head/weights.bin"));
        assertTrue(e instanceof CorruptArtifactException && e.getMessage().contains("archive/data.pkl"),
                e.getMessage());
    }

    static Stream<Arguments> craftedPickles() {
        return Stream.of(
                Arguments.of("truncated inside a length", new Pickle().proto().op('X', 1).bytes()),
                Arguments.of("truncated inside a string", new Pickle().proto().unicodeHeader(10).raw(new byte[] {65})
                        .bytes()),
                Arguments.of("negative string length", new Pickle().proto().unicodeHeader(-1).op('.').bytes()),
                Arguments.of("STOP on an empty stack", new Pickle().proto().op('.').bytes()),
                Arguments.of("SETITEM on an empty stack", new Pickle().proto().op('s', '.').bytes()),
                Arguments.of("APPEND to a string", new Pickle().proto().unicode("a").unicode("b").op('a', '.')
                        .bytes()),
                Arguments.of("REDUCE with a string as arguments", new Pickle().proto().global("collections",
                        "OrderedDict").unicode("x").op('R', '.').bytes()),
                Arguments.of("TUPLE without a MARK", new Pickle().proto().integer(1).op('t', '.').bytes()),
                Arguments.of("memo read before it is set", new Pickle().proto().op('h', 7, '.').bytes()),
                Arguments.of("LONG1 of 200 bytes", new Pickle().proto().op(0x8a, 200).raw(new byte[200]).op('.')
                        .bytes()),
                Arguments.of("a list used as a dict key", new Pickle().proto().op('}', ']', 'K', 1, 's', '.')
                        .bytes()),
                Arguments.of("a list that holds itself used as a dict key", new Pickle().proto().op('}', ']', 'q', 0,
                        'h', 0, 'a', 'K', 1, 's', '.').bytes()),
                Arguments.of("no STOP", new Pickle().proto().op('}').bytes()),
                Arguments.of("an unknown opcode", new Pickle().proto().op(0xfe, '.').bytes()),
                Arguments.of("a GLOBAL name without end", new Pickle().proto().op('c').raw(new byte[4096]).bytes()),
                Arguments.of("a million empty lists", new Pickle().proto().raw(filled(1_100_000, (byte) ']'))
                        .op('.').bytes()),
                Arguments.of("a storage whose size is negative", TorchArchives.stateDict(List.of(new Tensor("gates",
                        "0", -1, 0, new long[] {4}, new long[] {1})))),
                Arguments.of("fewer strides than dimensions", TorchArchives.stateDict(List.of(new Tensor("gates", "0",
                        4, 0, new long[] {2, 2}, new long[] {1})))),
                Arguments.of("a storage the archive lacks", TorchArchives.stateDict(List.of(
                        Tensor.contiguous("gates", "9", 4)))),
                Arguments.of("a storage longer than its entry", TorchArchives.stateDict(List.of(new Tensor("gates",
                        "0", 5, 0, new long[] {4}, new long[] {1})))));
    }

    private static byte[] filled(int n, byte value) {
        byte[] bytes = new byte[n];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedPickles")
    void aCraftedPickleIsRefusedAsCorruptNamingTheFile(String what, byte[] pickle, @TempDir Path tmp)
            throws Exception {
        Path servable = gated(tmp);
        weights(servable, pickle, Entry.stored("archive/data/0", TorchArchives.floats(1, 2, 3, 4)));
        ModelFormatException e = refused(servable, servable.resolve("head/weights.bin"));
        assertTrue(e instanceof CorruptArtifactException, what + ": " + e);
    }

    static Stream<Arguments> codeCallingPickles() {
        return Stream.of(
                Arguments.of("os", "system"),
                Arguments.of("builtins", "eval"),
                Arguments.of("subprocess", "Popen"),
                Arguments.of("torch._utils", "_rebuild_tensor"),
                Arguments.of("torch.nn.modules.linear", "Linear"));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("codeCallingPickles")
    void aPickleThatCallsAnythingButTheTensorRebuildersIsRefused(String module, String name, @TempDir Path tmp)
            throws Exception {
        Path servable = gated(tmp);
        weights(servable, new Pickle().proto().global(module, name).op('(').unicode("touch /tmp/pwned").op('t', 'R',
                '.').bytes());
        ModelFormatException e = refused(servable, servable.resolve("head/weights.bin"));
        assertTrue(e.getMessage().contains("calls " + module + "." + name), e.getMessage());
    }

    static Stream<Arguments> zipBombs() {
        return Stream.of(
                Arguments.of("archive/data.pkl", 1536),
                Arguments.of("archive/data.pkl", 3072),
                Arguments.of("archive/data/0", 1536),
                Arguments.of("archive/data/0", 3072),
                Arguments.of("archive/byteorder", 1536));
    }

    @ParameterizedTest(name = "{0} inflating to {1} MiB")
    @MethodSource("zipBombs")
    void anEntryDeclaringSixteenBytesThatInflatesToGibibytesStopsAtTheCap(String entry, int mebibytes,
            @TempDir Path tmp) throws Exception {
        Path servable = gated(tmp);
        Path file = servable.resolve("head/weights.bin");
        List<Entry> entries = new java.util.ArrayList<>(List.of(
                Entry.stored("archive/data.pkl", TorchArchives.stateDict(List.of(Tensor.contiguous("gates", "0", 4)))),
                Entry.stored("archive/byteorder", "little".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                Entry.stored("archive/data/0", TorchArchives.floats(1, 2, 3, 4))));
        entries.replaceAll(e -> e.name().equals(entry) ? Entry.zeroBomb(entry, mebibytes, 16) : e);
        TorchArchives.writeZip(file, entries);
        assertTrue(Files.size(file) < 8L << 20, "the bomb is a small file: " + Files.size(file));
        ModelFormatException e = refused(servable, file);
        assertTrue(e instanceof CorruptArtifactException && e.getMessage().contains("entry " + entry + " inflates "
                + "to more than"), e.getMessage());
    }

    @Test
    void aHeadConfigOfAHundredMillionLayersIsRefusedNamingTheKeyTheValueAndTheBound(@TempDir Path tmp)
            throws Exception {
        Path servable = gated(tmp);
        Files.writeString(servable.resolve("config.json"), Files.readString(servable.resolve("config.json"))
                .replace("GatedHead", "SkipConnectionHead"));
        Path headConfig = servable.resolve("head/config.json");
        Files.writeString(headConfig, "{\"input_embedding_size\": 4, \"n_layers\": 100000000}");
        ModelFormatException e = refused(servable, headConfig);
        assertTrue(e.getMessage().contains("n_layers is 100000000, above the bound of 1024"), e.getMessage());

        Files.writeString(headConfig, "{\"input_embedding_size\": 4, \"n_layers\": 1e10}");
        assertTrue(refused(servable, headConfig).getMessage().contains("'n_layers'"));
    }

    @Test
    void aConfigThatIsAPipeFailsAtOnce(@TempDir Path tmp) throws Exception {
        Path servable = gated(tmp);
        for (String name : List.of("config.json", "head/config.json", "head/weights.bin")) {
            Path copy = gated(tmp.resolve(name.replace('/', '_')));
            Path fifo = copy.resolve(name);
            Files.delete(fifo);
            assumeTrue(HostileFiles.mkfifo(fifo), "mkfifo is available");
            ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> refused(copy, fifo), "a pipe is not opened");
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
        assertTrue(Files.isDirectory(servable));
    }
}
