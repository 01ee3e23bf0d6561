/**
 * The text of an uncompressed PDF written by pdfkit with the standard fonts: each TJ array holds
 * hex strings (WinAnsi codes) between kerning numbers; joined, they give one line of text.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (const match of raw.matchAll(/\[((?:<[0-9a-fA-F]*>|[^\]<])*)\]\s*TJ/g)) {
    const body = match[1] ?? '';
    lines.push([...body.matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => Buffer.from(hex[1] ?? '', 'hex').toString('latin1')).join(''));
  }
  return lines.join('\n');
}
