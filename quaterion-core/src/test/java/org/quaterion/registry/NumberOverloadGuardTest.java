package org.quaterion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Keeps DJL's number overloads that autograd cannot survive out of the library: {@code NDArray.mul/div/maximum/
 * minimum/pow(Number)} wrap the number in a buffer that a garbage collection frees before the backward pass reads
 * it. Library code uses {@code org.quaterion.models.internal.Scalars} instead. Scans the compiled classes of
 * quaterion-models and quaterion-core.
 */
class NumberOverloadGuardTest {

    private static final Set<String> OWNERS = Set.of("ai/djl/ndarray/NDArray", "ai/djl/pytorch/engine/PtNDArray");
    private static final Set<String> BANNED = Set.of("mul", "div", "maximum", "minimum", "pow");

    @Test
    void noLibraryClassCallsTheNumberOverloads() throws Exception {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        for (Class<?> anchor : List.of(org.quaterion.models.SimilarityModel.class,
                org.quaterion.loss.GroupLoss.class)) {
            for (byte[] bytes : classFiles(anchor)) {
                offenders.addAll(bannedCalls(bytes));
                classes++;
            }
        }
        assertTrue(classes > 100, "scanned " + classes + " classes");
        assertEquals(List.of(), offenders, "use org.quaterion.models.internal.Scalars for these");
        System.out.println("NumberOverloadGuardTest: " + classes + " classes scanned");
    }

    private static List<byte[]> classFiles(Class<?> anchor) throws IOException, URISyntaxException {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<byte[]> out = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    out.add(Files.readAllBytes(f));
                }
            }
        } else {
            try (ZipFile jar = new ZipFile(location.toFile())) {
                for (var e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                    try (InputStream in = jar.getInputStream(e)) {
                        out.add(in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    /** Method references in a class file's constant pool to a banned overload, as "Caller calls Owner.name(descriptor)". */
    static List<String> bannedCalls(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt(); // magic
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        int[] tags = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                case 9, 10, 11, 12, 17, 18 -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access flags
        String self = utf8[first[in.readUnsignedShort()]];
        List<String> found = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == 10 || tags[i] == 11) {
                String owner = utf8[first[first[i]]];
                String name = utf8[first[second[i]]];
                String descriptor = utf8[second[second[i]]];
                if (OWNERS.contains(owner) && BANNED.contains(name) && descriptor.startsWith("(Ljava/lang/Number;)")) {
                    found.add(self + " calls " + owner + "." + name + descriptor);
                }
            }
        }
        return found;
    }
}
