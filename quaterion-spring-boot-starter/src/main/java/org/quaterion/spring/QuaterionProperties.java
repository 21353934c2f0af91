package org.quaterion.spring;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code quaterion.*} settings of the starter. */
@ConfigurationProperties("quaterion")
public class QuaterionProperties {

    private final Model model = new Model();
    private final Index index = new Index();
    private final Web web = new Web();
    private final Reranker reranker = new Reranker();

    /** Creates the defaults. */
    public QuaterionProperties() {}

    /**
     * The model settings ({@code quaterion.model.*}).
     *
     * @return them
     */
    public Model getModel() {
        return model;
    }

    /**
     * The index settings ({@code quaterion.index.*}).
     *
     * @return them
     */
    public Index getIndex() {
        return index;
    }

    /**
     * The endpoint settings ({@code quaterion.web.*}).
     *
     * @return them
     */
    public Web getWeb() {
        return web;
    }

    /**
     * The re-ranker settings ({@code quaterion.reranker.*}).
     *
     * @return them
     */
    public Reranker getReranker() {
        return reranker;
    }

    /**
     * {@code quaterion.reranker.*}: the cross-encoder that re-scores {@code /search}'s candidates when a request asks
     * for {@code "rerank": true}.
     */
    public static class Reranker {
        private Path path;
        private int candidates = 50;
        private int maxCandidates = 200;
        private String textField = "text";

        /** Creates the defaults. */
        public Reranker() {}

        /**
         * The cross-encoder servable ({@code CrossEncoderModel.load}, needs quaterion-onnx); none by default (a
         * {@code PairScorer<String, String>} bean of the application serves too).
         *
         * @return the directory, or null
         */
        public Path getPath() {
            return path;
        }

        /**
         * Sets the cross-encoder servable.
         *
         * @param path the directory
         */
        public void setPath(Path path) {
            this.path = path;
        }

        /**
         * First-stage hits re-scored when a request gives no {@code candidates} (default 50; at least k).
         *
         * @return the number
         */
        public int getCandidates() {
            return candidates;
        }

        /**
         * Sets the default number of candidates.
         *
         * @param candidates at least 1
         */
        public void setCandidates(int candidates) {
            this.candidates = candidates;
        }

        /**
         * The most candidates a request may ask to re-score (default 200).
         *
         * @return the limit
         */
        public int getMaxCandidates() {
            return maxCandidates;
        }

        /**
         * Sets the most candidates a request may ask for.
         *
         * @param maxCandidates the limit
         */
        public void setMaxCandidates(int maxCandidates) {
            this.maxCandidates = maxCandidates;
        }

        /**
         * The field of each item's JSON payload that holds the text the re-ranker reads (default {@code text}).
         *
         * @return the field name
         */
        public String getTextField() {
            return textField;
        }

        /**
         * Sets the payload field with the item's text.
         *
         * @param textField the field name
         */
        public void setTextField(String textField) {
            this.textField = textField;
        }
    }

    /** {@code quaterion.model.*}: which servable, on how many threads, with which input limits. */
    public static class Model {
        private Path path;
        private int threads = 1;
        private int maxInputChars = 10_000;
        private boolean truncate;
        private int batchSize = 64;

        /** Creates the defaults. */
        public Model() {}

        /**
         * The servable directory (required: without it nothing is configured).
         *
         * @return the path
         */
        public Path getPath() {
            return path;
        }

        /**
         * Sets the servable directory.
         *
         * @param path the path
         */
        public void setPath(Path path) {
            this.path = path;
        }

        /**
         * libtorch intra-op threads (default 1), set before the engine loads.
         *
         * @return the count
         */
        public int getThreads() {
            return threads;
        }

        /**
         * Sets libtorch's intra-op threads.
         *
         * @param threads at least 1
         */
        public void setThreads(int threads) {
            this.threads = threads;
        }

        /**
         * The longest text accepted (default 10,000 characters).
         *
         * @return the limit
         */
        public int getMaxInputChars() {
            return maxInputChars;
        }

        /**
         * Sets the longest text accepted.
         *
         * @param maxInputChars at least 1
         */
        public void setMaxInputChars(int maxInputChars) {
            this.maxInputChars = maxInputChars;
        }

        /**
         * Whether a longer text is cut to the limit (true) or refused with 413 (false, the default).
         *
         * @return the choice
         */
        public boolean isTruncate() {
            return truncate;
        }

        /**
         * Sets whether longer texts are truncated instead of refused.
         *
         * @param truncate the choice
         */
        public void setTruncate(boolean truncate) {
            this.truncate = truncate;
        }

        /**
         * Texts per encoding batch (default 64).
         *
         * @return the batch size
         */
        public int getBatchSize() {
            return batchSize;
        }

        /**
         * Sets the texts per encoding batch.
         *
         * @param batchSize at least 1
         */
        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }
    }

    /** {@code quaterion.index.*}: an optional {@code VectorIndex} to search, opened or built from a catalogue. */
    public static class Index {
        private Path path;
        private Path source;
        private Rebuild rebuild = Rebuild.IF_CHANGED;

        /** Creates the defaults. */
        public Index() {}

        /**
         * The index directory written by {@code VectorIndex.build}, or null for none.
         *
         * @return the path
         */
        public Path getPath() {
            return path;
        }

        /**
         * Sets the index directory.
         *
         * @param path the path
         */
        public void setPath(Path path) {
            this.path = path;
        }

        /**
         * A JSON Lines catalogue ({@code {"id": ..., "text": ..., "payload": ...}} per line) that the index at
         * {@link #getPath()} is built from at start-up when it does not exist, or null for none.
         *
         * @return the file
         */
        public Path getSource() {
            return source;
        }

        /**
         * Sets the catalogue the index is built from.
         *
         * @param source a JSONL file
         */
        public void setSource(Path source) {
            this.source = source;
        }

        /**
         * When a saved index is rebuilt from {@link #getSource()}: {@code if-changed} (the default: when the
         * catalogue's or the servable's SHA-256 differs from those recorded next to the index), {@code always} or
         * {@code never} (serve the saved index, with a warning when it is out of date).
         *
         * @return the policy
         */
        public Rebuild getRebuild() {
            return rebuild;
        }

        /**
         * Sets when a saved index is rebuilt.
         *
         * @param rebuild the policy
         */
        public void setRebuild(Rebuild rebuild) {
            this.rebuild = rebuild;
        }
    }

    /** The values of {@code quaterion.index.rebuild}. */
    public enum Rebuild {
        /** Rebuild when the catalogue or the servable changed since the saved index was built. */
        IF_CHANGED,
        /** Rebuild at every start. */
        ALWAYS,
        /** Serve the saved index as it is, with a warning when it is out of date. */
        NEVER
    }

    /** {@code quaterion.web.*}: the {@code /embed} and {@code /search} endpoints. */
    public static class Web {
        private boolean enabled = true;
        private long maxRequestBytes = 1L << 20;
        private int maxK = 100;
        private int maxTexts = 256;
        private JsonErrors jsonErrors = JsonErrors.ENDPOINTS;

        /** Creates the defaults. */
        public Web() {}

        /**
         * Whether the endpoints are registered (default true, in a servlet web application).
         *
         * @return the choice
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether the endpoints are registered.
         *
         * @param enabled the choice
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The largest request body accepted, in bytes (default 1 MiB); larger ones get 413 before they are read.
         *
         * @return the limit
         */
        public long getMaxRequestBytes() {
            return maxRequestBytes;
        }

        /**
         * Sets the largest request body accepted.
         *
         * @param maxRequestBytes bytes, at least 1
         */
        public void setMaxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
        }

        /**
         * The largest k a search may ask for (default 100).
         *
         * @return the limit
         */
        public int getMaxK() {
            return maxK;
        }

        /**
         * Sets the largest k a search may ask for.
         *
         * @param maxK at least 1
         */
        public void setMaxK(int maxK) {
            this.maxK = maxK;
        }

        /**
         * The most texts one {@code /embed} request may carry (default 256).
         *
         * @return the limit
         */
        public int getMaxTexts() {
            return maxTexts;
        }

        /**
         * Sets the most texts one request may carry.
         *
         * @param maxTexts at least 1
         */
        public void setMaxTexts(int maxTexts) {
            this.maxTexts = maxTexts;
        }

        /**
         * Which errors are answered as {@code {"error": "..."}}: those of {@code /embed} and {@code /search}
         * ({@code endpoints}, the default), or also the application's unknown paths (404), wrong methods (405) and
         * media types (415) ({@code all}, for an application that is only this service).
         *
         * @return the scope
         */
        public JsonErrors getJsonErrors() {
            return jsonErrors;
        }

        /**
         * Sets which errors are answered as {@code {"error": "..."}}.
         *
         * @param jsonErrors the scope
         */
        public void setJsonErrors(JsonErrors jsonErrors) {
            this.jsonErrors = jsonErrors;
        }
    }

    /** The scope of {@code quaterion.web.json-errors}. */
    public enum JsonErrors {
        /** Only the failures of {@code /embed} and {@code /search}. */
        ENDPOINTS,
        /** Also every unknown path, wrong method and unsupported media type of the application. */
        ALL
    }
}
