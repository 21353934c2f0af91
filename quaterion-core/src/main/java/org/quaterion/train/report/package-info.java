/**
 * The training report page ({@code report.html}): charts, the epoch table, embedding maps and neighbour tables,
 * rendered from plain values; the {@code HtmlReport} callback collects them during a fit.
 */
package org.quaterion.train.report;
