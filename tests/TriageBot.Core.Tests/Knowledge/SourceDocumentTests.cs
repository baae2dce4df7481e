using TriageBot.Core.Knowledge.Parsing;

namespace TriageBot.Core.Tests.Knowledge;

public sealed class SourceDocumentTests
{
    [Fact]
    public void Parse_FrontMatterWithContentLocale_TakesLocaleAndAssetIdentity()
    {
        var doc = SourceDocument.Parse("a.md", "---\ntitle: T\nms.assetid: ABC-1\nms.contentlocale: zh-TW\n---\n# Heading\n");

        Assert.Equal("zh-tw", doc.Locale);
        Assert.Equal("asset:abc-1", doc.Identity);
        Assert.Equal("T", doc.Title);
        Assert.False(doc.IsSpanPair);
    }

    [Fact]
    public void Parse_NoFrontMatter_TakesLocaleFromFileNameAndTitleFromHeading()
    {
        var doc = SourceDocument.Parse("guide.fr-fr.md", "# Guide de dépannage\n\ntext\n");

        Assert.Equal("fr-fr", doc.Locale);
        Assert.Equal("file:guide", doc.Identity);
        Assert.Equal("Guide de dépannage", doc.Title);
    }

    [Fact]
    public void Parse_NoLocaleAnywhere_IsEnglish()
    {
        var doc = SourceDocument.Parse("guide.md", "# Guide\n");

        Assert.Equal("en-us", doc.Locale);
        Assert.True(doc.IsEnglish);
    }

    [Fact]
    public void Parse_SpanPairs_SplitsTranslationAndEnglishViews()
    {
        const string body = """<span data-ttu-id="x-1">找不到</span><span class="sxs-lookup"><span data-stu-id="x-1">Not found</span></span>""";

        var doc = SourceDocument.Parse("a.zh-cn.md", body);

        Assert.True(doc.IsSpanPair);
        Assert.Equal("找不到", doc.Body);
        Assert.Equal("Not found", doc.EnglishBody);
    }

    [Fact]
    public void Parse_InvalidFrontMatter_ThrowsWithFileName()
    {
        var ex = Assert.Throws<KnowledgeFormatException>(() => SourceDocument.Parse("bad.md", "---\ntitle: [unclosed\n---\n# x\n"));

        Assert.Equal("bad.md", ex.FileName);
        Assert.Contains("front matter", ex.Reason);
    }

    [Theory]
    [InlineData("zh-Hans", "zh-cn")]
    [InlineData("zh_HK", "zh-tw")]
    [InlineData("DE", "de-de")]
    [InlineData("en", "en-us")]
    [InlineData("fr-CA", "fr-ca")]
    public void Normalize_LocaleVariants_FoldToDocumentLocales(string input, string expected) =>
        Assert.Equal(expected, SourceDocument.Normalize(input));
}
