package org.quaterion;

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
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/** Test helper: reads compiled classes (a directory or a jar) and the references in their constant pools. */
public final class ClassFiles {

    private ClassFiles() {}

    /**
     * What a class file refers to.
     *
     * @param name the class, as {@code org/quaterion/loss/GroupLoss}
     * @param classes every class it names (constant-pool class entries)
     * @param methods every method it calls, as {@code Owner.name(descriptor)}
     */
    public record Info(String name, Set<String> classes, List<String> methods) {

        /**
         * The package of this class, dotted.
         *
         * @return e.g. {@code org.quaterion.loss}
         */
        public String packageName() {
            return packageOf(name);
        }
    }

    /**
     * The package of an internal class name.
     *
     * @param internalName e.g. {@code org/quaterion/loss/GroupLoss} or an array descriptor
     * @return e.g. {@code org.quaterion.loss}; empty for the default package
     */
    public static String packageOf(String internalName) {
        String n = internalName.replaceAll("^\\[+L?", "").replace(";", "");
        int slash = n.lastIndexOf('/');
        return slash < 0 ? "" : n.substring(0, slash).replace('/', '.');
    }

    /**
     * Every class of the code source (directory or jar) that holds {@code anchor}.
     *
     * @param anchor a class of the module
     * @return the parsed classes
     * @throws IOException when reading fails
     * @throws URISyntaxException when the location is not a path
     */
    public static List<Info> of(Class<?> anchor) throws IOException, URISyntaxException {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Info> out = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    out.add(parse(Files.readAllBytes(f)));
                }
            }
        } else {
            try (ZipFile jar = new ZipFile(location.toFile())) {
                for (var e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                    try (InputStream in = jar.getInputStream(e)) {
                        out.add(parse(in.readAllBytes()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Parses one class file's constant pool.
     *
     * @param classFile the bytes
     * @return what it refers to
     * @throws IOException when the bytes are not a class file
     */
    public static Info parse(byte[] classFile) throws IOException {
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
        Set<String> classes = new TreeSet<>();
        List<String> methods = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == 7) {
                classes.add(utf8[first[i]]);
            } else if (tags[i] == 10 || tags[i] == 11) {
                methods.add(utf8[first[first[i]]] + "." + utf8[first[second[i]]] + utf8[second[second[i]]]);
            }
        }
        return new Info(self, classes, methods);
    }
}
