package org.quaterion.models.python;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal pickle reader for what {@code torch.save(state_dict)} writes (protocols 2-4): tuples, lists, dicts,
 * strings, numbers, globals, REDUCE and persistent ids. It builds no Python object: globals are {@link Global}
 * names that the caller's {@link Resolver} turns into values, so nothing in the file can run code here.
 */
final class Unpickler {

    /** A {@code module.name} reference from the pickle. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** Turns the pickle's calls and persistent ids into values. */
    interface Resolver {
        Object reduce(Global callable, List<Object> args);

        Object persistentLoad(Object pid);
    }

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Resolver resolver;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private Unpickler(byte[] data, Resolver resolver) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.resolver = resolver;
    }

    /**
     * Reads one pickled value.
     *
     * @param data the pickle
     * @param resolver what globals and persistent ids become
     * @return the value
     * @throws IllegalArgumentException on an opcode this reader does not know, or a malformed stream
     */
    static Object load(byte[] data, Resolver resolver) {
        return new Unpickler(data, resolver).run();
    }

    @SuppressWarnings("unchecked")
    private Object run() {
        while (in.hasRemaining()) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get(); // PROTO
                case 0x95 -> in.getLong(); // FRAME
                case '.' -> {
                    return pop();
                }
                case '(' -> stack.add(MARK);
                case ')' -> stack.add(new ArrayList<>());
                case ']' -> stack.add(new ArrayList<>());
                case '}' -> stack.add(new LinkedHashMap<>());
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'K' -> stack.add((long) (in.get() & 0xff));
                case 'M' -> stack.add((long) (in.getShort() & 0xffff));
                case 'J' -> stack.add((long) in.getInt());
                case 0x8a -> stack.add(long1());
                case 'G' -> {
                    byte[] bytes = new byte[8];
                    in.get(bytes);
                    stack.add(ByteBuffer.wrap(bytes).getDouble()); // BINFLOAT is big-endian
                }
                case 'X' -> stack.add(string(in.getInt()));
                case 0x8c -> stack.add(string(in.get() & 0xff));
                case 'c' -> stack.add(new Global(line(), line()));
                case 'q' -> memo.put(in.get() & 0xff, peek());
                case 'r' -> memo.put(in.getInt(), peek());
                case 0x94 -> memo.put(memo.size(), peek());
                case 'h' -> stack.add(memo(in.get() & 0xff));
                case 'j' -> stack.add(memo(in.getInt()));
                case 't' -> stack.add(popToMark());
                case 0x85 -> stack.add(new ArrayList<>(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    stack.add(new ArrayList<>(java.util.Arrays.asList(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    stack.add(new ArrayList<>(java.util.Arrays.asList(a, b, c)));
                }
                case 'a' -> {
                    Object value = pop();
                    ((List<Object>) peek()).add(value);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    ((List<Object>) peek()).addAll(items);
                }
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    ((Map<Object, Object>) peek()).put(key, value);
                }
                case 'u' -> {
                    List<Object> items = popToMark();
                    Map<Object, Object> dict = (Map<Object, Object>) peek();
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        dict.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'R' -> {
                    List<Object> args = (List<Object>) pop();
                    Object callable = pop();
                    if (!(callable instanceof Global g)) {
                        throw new IllegalArgumentException("pickle REDUCE on " + callable + ", not a global");
                    }
                    stack.add(resolver.reduce(g, args));
                }
                case 'Q' -> stack.add(resolver.persistentLoad(pop()));
                case 'b' -> pop(); // BUILD: the state of the object below (a state dict's _metadata) is not needed
                default -> throw new IllegalArgumentException(String.format("unsupported pickle opcode 0x%02x at byte "
                        + "%d: only what torch.save writes for a state dict of tensors is read", op, in.position() - 1));
            }
        }
        throw new IllegalArgumentException("the pickle ends without STOP: the file is truncated");
    }

    private long long1() {
        int n = in.get() & 0xff;
        long value = 0;
        for (int i = 0; i < n; i++) {
            value |= (long) (in.get() & 0xff) << (8 * i);
        }
        if (n > 0 && n < 8 && (value & (1L << (8 * n - 1))) != 0) {
            value -= 1L << (8 * n);
        }
        return value;
    }

    private String string(int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String line() {
        StringBuilder s = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            s.append((char) b);
        }
        return s.toString();
    }

    private Object memo(int key) {
        if (!memo.containsKey(key)) {
            throw new IllegalArgumentException("pickle refers to memo " + key + " before it is set");
        }
        return memo.get(key);
    }

    private Object peek() {
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        Object value = stack.remove(stack.size() - 1);
        if (value == MARK) {
            throw new IllegalArgumentException("malformed pickle: a value expected, a MARK found");
        }
        return value;
    }

    private List<Object> popToMark() {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw new IllegalArgumentException("malformed pickle: no MARK");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }
}
