package org.quaterion.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a fresh JVM by {@link VectorIndexCloseTest}: opens the index given as the first argument, lets 4 threads
 * search it in a loop, closes it while they do, and checks that every thread then stops with "VectorIndex is closed".
 * Prints {@code RESULT ok ...} and exits 0, or prints what went wrong and exits 2 (a native crash ends the JVM with
 * another status).
 */
public final class CloseUnderSearchMain {

    static final int THREADS = 4;
    static final String CLOSED = "VectorIndex is closed";

    private CloseUnderSearchMain() {}

    /**
     * Runs the check.
     *
     * @param args the index directory
     * @throws Exception when the index cannot be opened
     */
    public static void main(String[] args) throws Exception {
        List<String> problems = closeUnderSearch(VectorIndex.open(Path.of(args[0])), Integer.parseInt(args[1]));
        if (!problems.isEmpty()) {
            System.out.println("RESULT failed " + problems);
            System.exit(2);
        }
        System.out.println("RESULT ok");
    }

    /**
     * Lets {@link #THREADS} threads search the index in a loop, closes it while they do, and says what went wrong.
     *
     * @param index an open index
     * @param dimension its dimension
     * @return the problems: a search that ended otherwise than with "VectorIndex is closed", a search after close
     *     that answered; empty when none
     * @throws Exception when waiting is interrupted or closing fails
     */
    static List<String> closeUnderSearch(VectorIndex index, int dimension) throws Exception {
        CountDownLatch searching = new CountDownLatch(THREADS);
        List<Throwable> ends = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            float[][] queries = queries(32, dimension, t);
            Thread thread = new Thread(() -> {
                Throwable end;
                try {
                    while (true) {
                        index.search(queries, 10);
                        searching.countDown();
                    }
                } catch (Throwable e) { // every way a search can end is reported, the expected one included
                    end = e;
                }
                synchronized (ends) {
                    ends.add(end);
                }
            }, "searcher-" + t);
            threads.add(thread);
            thread.start();
        }
        // every thread has searched at least once and is searching again: close under their feet
        searching.await();
        index.close();
        for (Thread thread : threads) {
            thread.join();
        }
        List<String> problems = new ArrayList<>();
        for (Throwable end : ends) {
            if (!(end instanceof IllegalStateException) || !CLOSED.equals(end.getMessage())) {
                problems.add(end.toString());
            }
        }
        try {
            index.search(queries(1, dimension, 99), 1);
            problems.add("a search after close answered");
        } catch (IllegalStateException e) {
            if (!CLOSED.equals(e.getMessage())) {
                problems.add("a search after close: " + e);
            }
        }
        index.close(); // a second close does nothing
        return problems;
    }

    static float[][] queries(int n, int d, long seed) {
        Random random = new Random(seed);
        float[][] q = new float[n][d];
        for (float[] row : q) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return q;
    }
}
