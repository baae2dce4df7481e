using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace TriageBot.Core.Knowledge.Parsing;

/// <summary>
/// Turns a Markdown body (front matter already removed) into sections of blocks. Knows the
/// conventions of the Microsoft troubleshooting articles: <c>&lt;a name&gt;</c> anchors,
/// <c>&lt;br/&gt;</c> inside table cells, DocFX alerts, bold as <c>**</c> or <c>&lt;strong&gt;</c>.
/// </summary>
public static partial class MarkdownArticleParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static ParsedArticle Parse(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        var sections = new List<ArticleSection>();
        var tableOrdinal = 0;
        var level = 0;
        var heading = RichText.Empty;
        var anchors = new List<string>();
        var blocks = new List<DocBlock>();

        void Flush()
        {
            if (sections.Count == 0 && level == 0 && blocks.Count == 0 && anchors.Count == 0)
            {
                return;
            }
            sections.Add(new ArticleSection(sections.Count, level, heading, anchors.ToArray(), blocks.ToArray()));
        }

        foreach (var block in document)
        {
            if (block is HeadingBlock h)
            {
                Flush();
                level = h.Level;
                var collector = new InlineCollector();
                collector.Add(h.Inline);
                heading = collector.Build();
                anchors = [.. collector.Anchors];
                blocks = [];
                continue;
            }
            var converted = Convert(block, ref tableOrdinal, anchors);
            if (converted is not null)
            {
                blocks.Add(converted);
            }
        }
        Flush();
        return new ParsedArticle(sections);
    }

    private static DocBlock? Convert(Block block, ref int tableOrdinal, List<string> anchors)
    {
        switch (block)
        {
            case Markdig.Syntax.ParagraphBlock p:
            {
                var c = new InlineCollector();
                c.Add(p.Inline);
                anchors.AddRange(c.Anchors);
                var text = c.Build();
                return text.IsEmpty ? null : new Parsing.ParagraphBlock(text);
            }
            case HtmlBlock html:
            {
                var raw = html.Lines.ToString();
                anchors.AddRange(AnchorRegex().Matches(raw).Select(m => m.Groups[1].Value));
                var text = Clean(TagRegex().Replace(raw, " "));
                return text.Length == 0 ? null : new Parsing.ParagraphBlock(new RichText(text, text, [], []));
            }
            case Table table:
            {
                RichText[] header = [];
                var rows = new List<IReadOnlyList<RichText>>();
                foreach (var row in table.OfType<TableRow>())
                {
                    var cells = row.OfType<TableCell>().Select(cell =>
                    {
                        var c = new InlineCollector();
                        foreach (var inner in cell.OfType<Markdig.Syntax.ParagraphBlock>())
                        {
                            c.Add(inner.Inline);
                        }
                        return c.Build();
                    }).ToArray();
                    if (row.IsHeader)
                    {
                        header = cells;
                    }
                    else
                    {
                        rows.Add(cells);
                    }
                }
                return new TableBlock(tableOrdinal++, header, rows);
            }
            case Markdig.Syntax.ListBlock list:
            {
                var items = new List<Parsing.ListItem>();
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    RichText? text = null;
                    var children = new List<DocBlock>();
                    foreach (var child in item)
                    {
                        if (text is null && child is Markdig.Syntax.ParagraphBlock first)
                        {
                            var c = new InlineCollector();
                            c.Add(first.Inline);
                            anchors.AddRange(c.Anchors);
                            text = c.Build();
                            continue;
                        }
                        var converted = Convert(child, ref tableOrdinal, anchors);
                        if (converted is not null)
                        {
                            children.Add(converted);
                        }
                    }
                    items.Add(new Parsing.ListItem(text ?? RichText.Empty, children));
                }
                return new Parsing.ListBlock(list.IsOrdered, items);
            }
            case QuoteBlock quote:
            {
                var inner = new List<DocBlock>();
                foreach (var child in quote)
                {
                    var converted = Convert(child, ref tableOrdinal, anchors);
                    if (converted is not null)
                    {
                        inner.Add(converted);
                    }
                }
                var kind = "QUOTE";
                if (inner.FirstOrDefault() is Parsing.ParagraphBlock lead && AlertRegex().Match(lead.Text.Plain) is { Success: true } alert)
                {
                    kind = alert.Groups[1].Value.ToUpperInvariant();
                    var rest = lead.Text.Plain[alert.Length..].Trim();
                    var restMd = AlertRegex().Replace(lead.Text.Markdown, "", 1).Trim();
                    inner[0] = new Parsing.ParagraphBlock(lead.Text with { Plain = rest, Markdown = restMd });
                    if (rest.Length == 0)
                    {
                        inner.RemoveAt(0);
                    }
                }
                return inner.Count == 0 ? null : new NoteBlock(kind, inner);
            }
            case LeafBlock leaf when leaf is CodeBlock:
            {
                var text = leaf.Lines.ToString().Trim();
                return text.Length == 0 ? null : new Parsing.ParagraphBlock(new RichText(text, text, [], []));
            }
            default:
                return null;
        }
    }

    internal static string Clean(string text, bool stripStars = true)
    {
        text = WebUtility.HtmlDecode(text);
        if (stripStars)
        {
            text = StarRunRegex().Replace(text, "");
        }
        text = SpaceRegex().Replace(text, " ");
        text = LineSpaceRegex().Replace(text, "\n");
        return text.Trim();
    }

    /// <summary>Walks inlines once, building the plain and Markdown forms side by side.</summary>
    private sealed class InlineCollector
    {
        private readonly StringBuilder _plain = new();
        private readonly StringBuilder _markdown = new();
        private readonly List<string> _bold = [];
        private readonly List<DocLink> _links = [];
        private StringBuilder? _currentBold;
        private int _htmlBoldDepth;

        public List<string> Anchors { get; } = [];

        public void Add(ContainerInline? container)
        {
            if (container is null)
            {
                return;
            }
            foreach (var inline in container)
            {
                AddInline(inline);
            }
        }

        private void Text(string text)
        {
            _plain.Append(text);
            _markdown.Append(text.Replace("*", ""));
            _currentBold?.Append(text);
        }

        private void AddInline(Inline inline)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    Text(literal.Content.ToString());
                    break;
                case CodeInline code:
                    Text(code.Content);
                    break;
                case HtmlEntityInline entity:
                    Text(entity.Transcoded.ToString());
                    break;
                case LineBreakInline:
                    Text(" ");
                    break;
                case AutolinkInline auto:
                    Text(auto.Url);
                    _links.Add(new DocLink(auto.Url, auto.Url));
                    break;
                case HtmlInline html:
                    Html(html.Tag);
                    break;
                case EmphasisInline emphasis when emphasis.DelimiterCount >= 2:
                    BeginBold();
                    Add(emphasis);
                    EndBold();
                    break;
                case LinkInline link when !link.IsImage:
                {
                    var start = _plain.Length;
                    var mdStart = _markdown.Length;
                    Add(link);
                    var text = _plain.ToString(start, _plain.Length - start).Trim();
                    var url = WebUtility.HtmlDecode(link.Url ?? "");
                    _links.Add(new DocLink(text, url));
                    _markdown.Remove(mdStart, _markdown.Length - mdStart);
                    _markdown.Append('[').Append(text).Append("](").Append(url).Append(')');
                    break;
                }
                case ContainerInline container:
                    Add(container);
                    break;
            }
        }

        private void Html(string tag)
        {
            var anchor = AnchorRegex().Match(tag);
            if (anchor.Success)
            {
                Anchors.Add(anchor.Groups[1].Value);
                return;
            }
            var t = tag.Replace(" ", "").ToLowerInvariant();
            if (t is "<br/>" or "<br>")
            {
                _plain.Append('\n');
                _markdown.Append('\n');
                _currentBold?.Append(' ');
            }
            else if (t is "<strong>" or "<b>")
            {
                if (_htmlBoldDepth++ == 0)
                {
                    BeginBold();
                }
            }
            else if (t is "</strong>" or "</b>" && _htmlBoldDepth > 0 && --_htmlBoldDepth == 0)
            {
                EndBold();
            }
        }

        private void BeginBold()
        {
            _markdown.Append("**");
            _currentBold = new StringBuilder();
        }

        private void EndBold()
        {
            _markdown.Append("**");
            if (_currentBold is not null)
            {
                var b = Clean(_currentBold.ToString());
                if (b.Length > 0)
                {
                    _bold.Add(b);
                }
            }
            _currentBold = null;
        }

        public RichText Build()
        {
            var md = Clean(_markdown.ToString().Replace("****", ""), stripStars: false);
            return new RichText(Clean(_plain.ToString()), md, _bold.ToArray(), _links.ToArray());
        }
    }

    [GeneratedRegex("""<a\s+name\s*=\s*["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AnchorRegex();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"^\s*\[!(\w+)\]\s*")]
    private static partial Regex AlertRegex();

    [GeneratedRegex(@"\s?\*+(?=\s|$)|\*{2,}")]
    private static partial Regex StarRunRegex();

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex SpaceRegex();

    [GeneratedRegex(@" ?\n ?")]
    private static partial Regex LineSpaceRegex();
}
