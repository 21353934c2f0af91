package org.quaterion.models.python;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.models.io.CorruptArtifactException;

/**
 * A minimal pickle reader for what {@code torch.save(state_dict)} writes (protocols 2-4): tuples, lists, dicts,
 * strings, numbers, globals, REDUCE and persistent ids. It builds no Python object: globals are {@link Global}
 * names that the caller's {@link Resolver} turns into values, so nothing in the file can run code here.
 *
 * <p>Every length in the stream is compared with the bytes left before anything is allocated from it, and the
 * values it creates are counted against {@link #MAX_VALUES}, so a small hostile pickle can neither fill the heap
 * nor end in a raw {@code IndexOutOfBoundsException}: every malformed stream is a {@link CorruptArtifactException}
 * naming the file and the entry.
 */
final class Unpickler {

    /**
     * The most values (strings, numbers, containers, container items, memo entries) one pickle may create: a state
     * dict needs about 20 per tensor, so a head of 50,000 tensors fits.
     */
    static final int MAX_VALUES = 1 << 20;

    /** A {@code module.name} reference from the pickle. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** Turns the pickle's calls and persistent ids into values. */
    interface Resolver {
        /**
         * The value of {@code callable(*args)}.
         *
         * @param callable the global called
         * @param args its arguments
         * @return the value
         */
        Object reduce(Global callable, List<Object> args);

        /**
         * The object a persistent id stands for.
         *
         * @param pid the id
         * @return the object
         */
        Object persistentLoad(Object pid);
    }

    private static final Object MARK = new Object();
    private static final int MAX_LINE = 1024;

    private final ByteBuffer in;
    private final Path file;
    private final String entry;
    private final Resolver resolver;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private int values;

    private Unpickler(byte[] data, Path file, String entry, Resolver resolver) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
        this.entry = entry;
        this.resolver = resolver;
    }

    /**
     * Reads one pickled value.
     *
     * @param data the pickle
     * @param file the file it comes from, for messages
     * @param entry its entry in the file, for messages
     * @param resolver what globals and persistent ids become
     * @return the value
     * @throws CorruptArtifactException on an opcode this reader does not know, or a malformed stream
     */
    static Object load(byte[] data, Path file, String entry, Resolver resolver) {
        return new Unpickler(data, file, entry, resolver).run();
    }

    /**
     * The exception for a malformed stream, naming the file, the entry and the position.
     *
     * @param problem what is wrong
     * @return the exception
     */
    CorruptArtifactException corrupt(String problem) {
        return corrupt(file, entry, in.position(), problem);
    }

    /**
     * The exception for a malformed pickle.
     *
     * @param file the file
     * @param entry the pickle's entry in it
     * @param position the byte where the problem was found, or -1 when not known
     * @param problem what is wrong
     * @return the exception
     */
    static CorruptArtifactException corrupt(Path file, String entry, int position, String problem) {
        return new CorruptArtifactException(file, "entry " + entry + (position < 0 ? "" : " (byte " + position + ")")
                + ": " + problem + "; the file is corrupt or not a state dict written by torch.save");
    }

    @SuppressWarnings("unchecked")
    private Object run() {
        while (in.hasRemaining()) {
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO
                case 0x95 -> i64(); // FRAME: its length is not needed, the data is read as it comes
                case '.' -> {
                    return pop();
                }
                case '(' -> push(MARK);
                case ')', ']' -> push(new ArrayList<>());
                case '}' -> push(new LinkedHashMap<>());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (i16() & 0xffff));
                case 'J' -> push((long) i32());
                case 0x8a -> push(long1());
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(i64()))); // BINFLOAT is big-endian
                case 'X' -> push(string(i32()));
                case 0x8c -> push(string(u8()));
                case 'c' -> push(new Global(line(), line()));
                case 'q' -> memoize(u8());
                case 'r' -> memoize(i32());
                case 0x94 -> memoize(memo.size());
                case 'h' -> push(memo(u8()));
                case 'j' -> push(memo(i32()));
                case 't' -> push(popToMark());
                case 0x85 -> push(new ArrayList<>(Arrays.asList(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(new ArrayList<>(Arrays.asList(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new ArrayList<>(Arrays.asList(a, b, c)));
                }
                case 'a' -> {
                    Object value = pop();
                    list(peek(), "APPEND").add(value);
                    count(1);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    list(peek(), "APPENDS").addAll(items);
                    count(items.size());
                }
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    dict(peek(), "SETITEM").put(key(key), value);
                    count(1);
                }
                case 'u' -> {
                    List<Object> items = popToMark();
                    if (items.size() % 2 != 0) {
                        throw corrupt("SETITEMS has an odd number of items");
                    }
                    Map<Object, Object> dict = dict(peek(), "SETITEMS");
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        dict.put(key(items.get(i)), items.get(i + 1));
                    }
                    count(items.size() / 2);
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    if (!(callable instanceof Global g)) {
                        throw corrupt("REDUCE on a " + describe(callable) + ", not a global");
                    }
                    if (!(args instanceof List<?>)) {
                        throw corrupt("REDUCE of " + g + " with a " + describe(args) + " as arguments, not a tuple");
                    }
                    push(resolver.reduce(g, (List<Object>) args));
                }
                case 'Q' -> push(resolver.persistentLoad(pop()));
                case 'b' -> { // BUILD: the state of the object below (a state dict's _metadata) is not needed
                    pop();
                    peek();
                }
                default -> throw corrupt(String.format("unsupported pickle opcode 0x%02x: only what torch.save "
                        + "writes for a state dict of tensors is read", op));
            }
        }
        throw corrupt("the pickle ends without STOP: the entry is truncated");
    }

    /** Makes room for {@code n} bytes, or says the entry is truncated. */
    private void need(long n) {
        if (n < 0 || n > in.remaining()) {
            throw corrupt("a value of " + n + " bytes runs past the " + in.remaining() + " bytes left: the entry is "
                    + "truncated or a length is damaged");
        }
    }

    private int u8() {
        need(1);
        return in.get() & 0xff;
    }

    private short i16() {
        need(2);
        return in.getShort();
    }

    private int i32() {
        need(4);
        return in.getInt();
    }

    private long i64() {
        need(8);
        return in.getLong();
    }

    private long long1() {
        int n = u8();
        if (n > 8) {
            throw corrupt("LONG1 of " + n + " bytes: integers of a state dict fit in 8");
        }
        need(n);
        long value = 0;
        for (int i = 0; i < n; i++) {
            value |= (long) (in.get() & 0xff) << (8 * i);
        }
        if (n > 0 && n < 8 && (value & (1L << (8 * n - 1))) != 0) {
            value -= 1L << (8 * n);
        }
        return value;
    }

    /** A UTF-8 string of {@code length} bytes, its length checked against the bytes left before allocating. */
    private String string(int length) {
        need(length);
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A newline-terminated name of GLOBAL, at most {@link #MAX_LINE} bytes. */
    private String line() {
        StringBuilder s = new StringBuilder();
        for (int b = u8(); b != '\n'; b = u8()) {
            if (s.length() >= MAX_LINE) {
                throw corrupt("a GLOBAL name longer than " + MAX_LINE + " bytes");
            }
            s.append((char) b);
        }
        return s.toString();
    }

    private void memoize(int key) {
        Object value = peek();
        if (memo.put(key, value) == null) {
            count(1);
        }
    }

    private Object memo(int key) {
        if (!memo.containsKey(key)) {
            throw corrupt("refers to memo " + key + " before it is set");
        }
        return memo.get(key);
    }

    private void push(Object value) {
        count(1);
        stack.add(value);
    }

    private void count(int n) {
        values += n;
        if (values > MAX_VALUES) {
            throw corrupt("creates more than " + MAX_VALUES + " values, far more than a state dict holds");
        }
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw corrupt("an opcode needs a value but the stack is empty");
        }
        Object value = stack.get(stack.size() - 1);
        if (value == MARK) {
            throw corrupt("a value expected, a MARK found");
        }
        return value;
    }

    private Object pop() {
        Object value = peek();
        stack.remove(stack.size() - 1);
        return value;
    }

    private List<Object> popToMark() {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw corrupt("no MARK before a TUPLE, APPENDS or SETITEMS");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, String op) {
        if (!(value instanceof List<?>)) {
            throw corrupt(op + " on a " + describe(value) + ", not a list");
        }
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object value, String op) {
        if (!(value instanceof Map<?, ?>)) {
            throw corrupt(op + " on a " + describe(value) + ", not a dict");
        }
        return (Map<Object, Object>) value;
    }

    /**
     * A dict key: a string, number, boolean or None. Containers are refused, as a state dict has none as keys and a
     * self-containing list would make hashing recurse without end.
     */
    private Object key(Object key) {
        if (key == null || key instanceof String || key instanceof Long || key instanceof Double
                || key instanceof Boolean) {
            return key;
        }
        throw corrupt("a dict key is a " + describe(key) + "; a state dict's keys are strings");
    }

    /**
     * What a value is, for a message, without printing it: a value read from a hostile file may be a list that holds
     * itself, whose {@code toString} would not end.
     *
     * @param value the value
     * @return e.g. {@code "list"}, {@code "global torch.FloatStorage"}
     */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Global g) {
            return "global " + g;
        }
        if (value instanceof List<?>) {
            return "tuple or list";
        }
        if (value instanceof Map<?, ?>) {
            return "dict";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Long || value instanceof Double) {
            return "number";
        }
        return value.getClass().getSimpleName();
    }
}
