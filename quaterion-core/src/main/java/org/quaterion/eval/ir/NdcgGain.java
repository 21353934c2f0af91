package org.quaterion.eval.ir;

/**
 * The gain of a retrieved document in NDCG, from its relevance grade (0 or below: not relevant, gain 0). With every
 * grade 1 the three agree.
 */
public enum NdcgGain {
    /** Every relevant document gains 1, whatever its grade: sentence-transformers' InformationRetrievalEvaluator. */
    BINARY,
    /** The grade itself: trec_eval's {@code ndcg_cut}, which BEIR reports through pytrec_eval. */
    LINEAR,
    /** {@code 2^grade - 1}: Burges et al.'s gain, which stresses highly relevant documents. */
    EXPONENTIAL;

    /**
     * The gain of a grade.
     *
     * @param grade the relevance grade
     * @return 0 for a grade of 0 or below, else the gain
     */
    public double gain(int grade) {
        if (grade <= 0) {
            return 0;
        }
        return switch (this) {
            case BINARY -> 1;
            case LINEAR -> grade;
            case EXPONENTIAL -> Math.pow(2, grade) - 1;
        };
    }
}
