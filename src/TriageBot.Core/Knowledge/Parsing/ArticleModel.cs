namespace TriageBot.Core.Knowledge.Parsing;

/// <summary>A link found in document text.</summary>
public sealed record DocLink(string Text, string Url);

/// <summary>
/// Text taken from a document: a plain form (no markup) for matching and plain-text replies, a
/// Markdown form (bold and links only) for cards, and the bold phrases and links it contained.
/// </summary>
public sealed record RichText(string Plain, string Markdown, IReadOnlyList<string> Bold, IReadOnlyList<DocLink> Links)
{
    public static readonly RichText Empty = new("", "", [], []);

    public bool IsEmpty => Plain.Length == 0;

    public override string ToString() => Plain;
}

/// <summary>A block of a document section, in reading order.</summary>
public abstract record DocBlock;

public sealed record ParagraphBlock(RichText Text) : DocBlock;

/// <summary>A list; ordered lists are the numbered steps of a procedure.</summary>
public sealed record ListBlock(bool Ordered, IReadOnlyList<ListItem> Items) : DocBlock;

public sealed record ListItem(RichText Text, IReadOnlyList<DocBlock> Children);

/// <summary>A pipe table. <see cref="Ordinal"/> counts tables from the start of the document.</summary>
public sealed record TableBlock(int Ordinal, IReadOnlyList<RichText> Header, IReadOnlyList<IReadOnlyList<RichText>> Rows) : DocBlock;

/// <summary>A DocFX alert (<c>&gt; [!NOTE]</c>, <c>[!IMPORTANT]</c>) or a plain block quote.</summary>
public sealed record NoteBlock(string Kind, IReadOnlyList<DocBlock> Blocks) : DocBlock;

/// <summary>A heading and the blocks up to the next heading.</summary>
public sealed record ArticleSection(int Ordinal, int Level, RichText Heading, IReadOnlyList<string> Anchors, IReadOnlyList<DocBlock> Blocks);

/// <summary>One view of a document (the translated text, or the English text of a span-pair copy) as sections.</summary>
public sealed record ParsedArticle(IReadOnlyList<ArticleSection> Sections)
{
    public IEnumerable<(ArticleSection Section, TableBlock Table)> Tables =>
        Sections.SelectMany(s => s.Blocks.OfType<TableBlock>().Select(t => (s, t)));

    public ArticleSection? FindSection(string anchor) =>
        Sections.FirstOrDefault(s => s.Anchors.Contains(anchor, StringComparer.OrdinalIgnoreCase));
}
