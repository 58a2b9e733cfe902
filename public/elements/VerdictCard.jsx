// The verdict card: one colour per verdict, the owner's own numbers, and what to ask the vendor.
// Props come from web/render.py card_props(); the card has no logic beyond laying them out.
const STYLES = {
  decline: { accent: "#b91c1c", tint: "#fef2f2", ink: "#7f1d1d", mark: "\u2715" },
  prompt_rag_first: { accent: "#b45309", tint: "#fffbeb", ink: "#78350f", mark: "!" },
  clarify: { accent: "#475569", tint: "#f1f5f9", ink: "#1e293b", mark: "?" },
  fine_tune: { accent: "#15803d", tint: "#f0fdf4", ink: "#14532d", mark: "\u2713" },
};

function List({ title, items, ordered, ink, testid }) {
  if (!items || !items.length) return null;
  const Tag = ordered ? "ol" : "ul";
  return (
    <section data-testid={testid} style={{ marginTop: 14 }}>
      <h4 style={{ margin: 0, fontSize: 12, fontWeight: 700, letterSpacing: "0.06em", textTransform: "uppercase", color: ink }}>
        {title}
      </h4>
      <Tag style={{ margin: "6px 0 0 0", paddingLeft: 22, listStyleType: ordered ? "decimal" : "disc" }}>
        {items.map((text, i) => (
          <li key={i} style={{ margin: "4px 0", lineHeight: 1.5 }}>{text}</li>
        ))}
      </Tag>
    </section>
  );
}

export default function VerdictCard() {
  let data = props || {};
  if (typeof data === "string") {
    try { data = JSON.parse(data); } catch (e) { data = {}; }
  }
  const s = STYLES[data.verdict] || STYLES.clarify;
  const figures = data.figures || [];
  return (
    <div
      data-testid="verdict-card"
      data-verdict={data.verdict}
      role="region"
      aria-label={"Verdict: " + (data.label || "")}
      style={{
        width: "100%", boxSizing: "border-box", background: s.tint, color: "#1f2937",
        border: "1px solid " + s.accent, borderLeft: "6px solid " + s.accent, borderRadius: 10,
        padding: "16px 18px", fontSize: 14,
      }}
    >
      <div style={{ display: "flex", alignItems: "center", gap: 10 }}>
        <span aria-hidden="true" style={{
          width: 28, height: 28, borderRadius: 14, background: s.accent, color: "#ffffff", flex: "0 0 auto",
          display: "inline-flex", alignItems: "center", justifyContent: "center", fontWeight: 700, fontSize: 15,
        }}>{s.mark}</span>
        <span data-testid="verdict-label" style={{ fontWeight: 700, fontSize: 18, color: s.ink }}>{data.label}</span>
      </div>
      <p data-testid="verdict-headline" style={{ margin: "10px 0 0 0", fontSize: 15, lineHeight: 1.5, fontWeight: 600 }}>
        {data.headline}
      </p>
      <List title="Why" items={data.reasons} ink={s.ink} testid="verdict-reasons" />
      <List title="Also worth knowing" items={data.also} ink={s.ink} testid="verdict-also" />
      <List title="Cautions" items={data.cautions} ink={s.ink} testid="verdict-cautions" />
      <List title="Red flags in the pitch" items={data.red_flags} ink={s.ink} testid="verdict-red-flags" />
      <List title="Claims to test" items={data.claims} ink={s.ink} testid="verdict-claims" />
      <List title="Questions to put to the vendor" items={data.vendor_questions} ordered ink={s.ink} testid="verdict-questions" />
      {(data.economics || figures.length) ? (
        <section data-testid="verdict-economics" style={{ marginTop: 14 }}>
          <h4 style={{ margin: 0, fontSize: 12, fontWeight: 700, letterSpacing: "0.06em", textTransform: "uppercase", color: s.ink }}>
            The economics
          </h4>
          {data.economics ? <p style={{ margin: "6px 0 0 0", lineHeight: 1.5 }}>{data.economics}</p> : null}
          {figures.length ? (
            <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(170px, 1fr))", gap: 8, marginTop: 10 }}>
              {figures.map((f, i) => (
                <div key={i} style={{ background: "#ffffff", border: "1px solid #e5e7eb", borderRadius: 8, padding: "6px 10px" }}>
                  <div style={{ fontSize: 11, color: "#6b7280" }}>{f.label}</div>
                  <div style={{ fontSize: 15, fontWeight: 700, color: "#111827" }}>{f.value}</div>
                </div>
              ))}
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
