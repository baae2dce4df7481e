using TriageBot.Core.Knowledge.Parsing;

namespace TriageBot.Core.Tests.Knowledge;

public sealed class MarkdownArticleParserTests
{
    private const string Article = """
        # Title

        ## Errors
        <a name="errors"> </a>

        |**Error message**|**Cause**|**Resolution**|
        |:-----|:-----|:-----|
        |Thing failed  <br/> |It broke. <br/> Really. |[Fix it](article.md#fix-it) <br/> |

        ### Fix it
        <a name="fix-it"> </a>

        > [!NOTE]
        > Read this first.

        1. Open **Settings**.

        2. Set the value:

        |**Key**|**Value**|
        |:-----|:-----|
        |Disable|0|

        - **Name**: sip
          - nested item
        """;

    [Fact]
    public void Parse_Headings_BecomeSectionsWithAnchors()
    {
        var article = MarkdownArticleParser.Parse(Article);

        Assert.Equal(["Title", "Errors", "Fix it"], article.Sections.Select(s => s.Heading.Plain));
        Assert.Contains("errors", article.Sections[1].Anchors);
        Assert.Same(article.Sections[2], article.FindSection("fix-it"));
    }

    [Fact]
    public void Parse_TableCells_KeepLineBreaksBoldAndLinks()
    {
        var table = MarkdownArticleParser.Parse(Article).Tables.First().Table;

        Assert.Equal(["Error message", "Cause", "Resolution"], table.Header.Select(h => h.Plain));
        Assert.Equal("It broke.\nReally.", table.Rows[0][1].Plain);
        Assert.Equal("Fix it", table.Rows[0][2].Links.Single().Text);
        Assert.Equal("article.md#fix-it", table.Rows[0][2].Links.Single().Url);
        Assert.Equal(0, table.Ordinal);
    }

    [Fact]
    public void Parse_Procedure_KeepsNoteStepsTableAndNestedList()
    {
        var section = MarkdownArticleParser.Parse(Article).FindSection("fix-it")!;

        var note = Assert.IsType<NoteBlock>(section.Blocks[0]);
        Assert.Equal("NOTE", note.Kind);
        Assert.Equal("Read this first.", Assert.IsType<ParagraphBlock>(note.Blocks.Single()).Text.Plain);
        var steps = Assert.IsType<ListBlock>(section.Blocks[1]);
        Assert.True(steps.Ordered);
        Assert.Equal("Open Settings.", steps.Items[0].Text.Plain);
        Assert.Equal("Open **Settings**.", steps.Items[0].Text.Markdown);
        Assert.Equal(["Settings"], steps.Items[0].Text.Bold);
        var table = Assert.IsType<TableBlock>(section.Blocks[2]);
        Assert.Equal(1, table.Ordinal);
        Assert.Equal("Disable", table.Rows[0][0].Plain);
        var bullets = Assert.IsType<ListBlock>(section.Blocks[3]);
        Assert.False(bullets.Ordered);
        Assert.Equal("nested item", Assert.IsType<ListBlock>(bullets.Items[0].Children.Single()).Items[0].Text.Plain);
    }

    [Fact]
    public void Parse_HtmlStrongAndEntities_AreBoldAndDecoded()
    {
        var article = MarkdownArticleParser.Parse("Format: <strong>bob@contoso.com</strong> &amp; more\n");

        var text = Assert.IsType<ParagraphBlock>(article.Sections[0].Blocks.Single()).Text;
        Assert.Equal("Format: bob@contoso.com & more", text.Plain);
        Assert.Equal(["bob@contoso.com"], text.Bold);
    }

    [Fact]
    public void Parse_EscapedAsteriskRuns_AreDroppedFromText()
    {
        var article = MarkdownArticleParser.Parse("按一下 [網路]\\*\\*\\*\\*。\n");

        Assert.Equal("按一下 [網路]。", Assert.IsType<ParagraphBlock>(article.Sections[0].Blocks.Single()).Text.Plain);
    }
}
